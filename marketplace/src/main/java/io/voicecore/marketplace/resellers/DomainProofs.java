package io.voicecore.marketplace.resellers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.IDN;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.Attributes;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;

import io.voicecore.kernel.plugins.egress.AddressClass;
import io.voicecore.kernel.plugins.egress.EgressResolver;
import io.voicecore.kernel.plugins.egress.PrivateAddressAllowList;

/**
 * Checks that whoever claims a domain controls it: the claim's token served at
 * {@code http://<domain>/.well-known/domain-proof/<token>}, or published as a TXT record of
 * {@code _domain-proof.<domain>}. The names say nothing of the platform, since resellers' customers may see them.
 *
 * <p>The HTTP check connects to the address it resolved itself (so a second lookup cannot point elsewhere) and, like a
 * plugin's outbound call, refuses private, loopback and link-local addresses unless the operator allow-listed them
 * ({@code plugins.egress.allow-private}).
 */
public final class DomainProofs {
    /** The well-known path the token is served under. */
    public static final String WELL_KNOWN_PATH = "/.well-known/domain-proof/";
    /** The label before the domain whose TXT record holds the token. */
    public static final String TXT_LABEL = "_domain-proof.";

    private static final Pattern LABEL = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");
    private static final int MAX_ANSWER_BYTES = 8192;

    /** Looks up the TXT records of a name; tests put in their own, so no DNS is asked. */
    @FunctionalInterface
    public interface TxtResolver {
        /** Java's own DNS client ({@code com.sun.jndi.dns}), asking the system's name servers. */
        TxtResolver JNDI = DomainProofs::jndiTxt;

        /** The texts of the name's TXT records; empty when it has none. */
        List<String> txt(String name) throws IOException;
    }

    /** What a check found: whether either proof held, and what was seen of each. */
    public record Outcome(boolean proven, String method, List<String> findings) {
    }

    private final TxtResolver txt;
    private final EgressResolver addresses;
    private final PrivateAddressAllowList allowPrivate;
    private final int httpPort;
    private final Duration timeout;

    /**
     * @param httpPort the port of the well-known path: 80, except in tests whose stand-in cannot listen there
     */
    public DomainProofs(TxtResolver txt, EgressResolver addresses, PrivateAddressAllowList allowPrivate, int httpPort, Duration timeout) {
        this.txt = txt;
        this.addresses = addresses;
        this.allowPrivate = allowPrivate;
        this.httpPort = httpPort;
        this.timeout = timeout;
    }

    /**
     * A domain as a reseller may claim it: lower case, international names in their ASCII form, without port or
     * trailing dot; empty for an IP address, a wildcard or anything that is not a host name with at least two labels.
     */
    public static Optional<String> normalise(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String domain = text.strip();
        if (domain.contains("/") || domain.contains("@") || domain.contains("*") || domain.startsWith("[")) {
            return Optional.empty();
        }
        int colon = domain.lastIndexOf(':');
        if (colon >= 0) {
            if (!domain.substring(colon + 1).matches("[0-9]{1,5}")) {
                return Optional.empty();
            }
            domain = domain.substring(0, colon);
        }
        if (domain.endsWith(".")) {
            domain = domain.substring(0, domain.length() - 1);
        }
        try {
            domain = IDN.toASCII(domain, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException notAName) {
            return Optional.empty();
        }
        String[] labels = domain.split("\\.", -1);
        if (domain.length() > 253 || labels.length < 2 || domain.matches("[0-9.]+") || labels[labels.length - 1].matches("[0-9]+")) {
            return Optional.empty();
        }
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                return Optional.empty();
            }
        }
        return Optional.of(domain);
    }

    /** Tries the DNS record first, then the well-known path; the first that holds the token proves the claim. */
    public Outcome check(String domain, String token) {
        List<String> findings = new ArrayList<>();
        String record = TXT_LABEL + domain;
        try {
            List<String> texts = txt.txt(record);
            if (texts.stream().map(String::strip).anyMatch(token::equals)) {
                return new Outcome(true, "dns", List.of("The TXT record of " + record + " holds the token."));
            }
            findings.add(texts.isEmpty() ? "No TXT record at " + record + "." : "The TXT records of " + record + " do not hold the token.");
        } catch (IOException | RuntimeException e) {
            findings.add("The TXT record of " + record + " could not be read: " + e.getMessage());
        }
        String url = "http://" + domain + WELL_KNOWN_PATH + token;
        Optional<String> httpFinding = httpFinding(domain, token, url);
        if (httpFinding.isEmpty()) {
            return new Outcome(true, "http", List.of(url + " serves the token."));
        }
        findings.add(httpFinding.get());
        return new Outcome(false, null, findings);
    }

    /** Empty when the well-known path serves the token; otherwise what went wrong. */
    private Optional<String> httpFinding(String domain, String token, String url) {
        List<InetAddress> resolved;
        try {
            resolved = addresses.resolve(domain);
        } catch (IOException | RuntimeException e) {
            return Optional.of(domain + " has no address, so " + url + " could not be read.");
        }
        Optional<InetAddress> usable = resolved.stream()
                .filter(a -> AddressClass.of(a) == AddressClass.PUBLIC || allowPrivate.allows(domain, a)).findFirst();
        if (usable.isEmpty()) {
            return Optional.of(domain + " resolves only to addresses that are not public (" + resolved.stream()
                    .map(a -> a.getHostAddress() + ": " + AddressClass.of(a).description()).toList()
                    + "), which the operator does not allow reaching; " + url + " was not read.");
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(usable.get(), httpPort), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + WELL_KNOWN_PATH + token + " HTTP/1.1\r\nHost: " + domain + "\r\nAccept: text/plain\r\n"
                       + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = readAnswer(socket.getInputStream());
            String statusLine = answer.lines().findFirst().orElse("");
            if (!statusLine.matches("HTTP/1\\.[01] 200( .*)?")) {
                return Optional.of(url + " answered '" + statusLine + "', not 200 with the token.");
            }
            int bodyStart = answer.indexOf("\r\n\r\n");
            String body = bodyStart < 0 ? "" : answer.substring(bodyStart + 4);
            return body.contains(token) ? Optional.empty() : Optional.of(url + " answered 200 without the token.");
        } catch (IOException e) {
            return Optional.of(url + " could not be read: " + e.getMessage());
        }
    }

    private static String readAnswer(InputStream in) throws IOException {
        byte[] answer = in.readNBytes(MAX_ANSWER_BYTES);
        return new String(answer, StandardCharsets.ISO_8859_1);
    }

    private static List<String> jndiTxt(String name) throws IOException {
        Hashtable<String, String> environment = new Hashtable<>();
        environment.put(DirContext.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.dns.DnsContextFactory");
        environment.put("com.sun.jndi.dns.timeout.initial", "2000");
        environment.put("com.sun.jndi.dns.timeout.retries", "2");
        try {
            DirContext dns = new InitialDirContext(environment);
            try {
                Attributes attributes = dns.getAttributes(name, new String[] {"TXT"});
                Attribute records = attributes.get("TXT");
                List<String> texts = new ArrayList<>();
                if (records != null) {
                    NamingEnumeration<?> values = records.getAll();
                    while (values.hasMore()) {
                        // A TXT record's text may come as several quoted strings; joined they are the record.
                        texts.add(String.valueOf(values.next()).replace("\" \"", "").replace("\"", ""));
                    }
                }
                return texts;
            } finally {
                dns.close();
            }
        } catch (javax.naming.NameNotFoundException none) {
            return List.of();
        } catch (NamingException e) {
            throw new IOException("DNS lookup of " + name + " failed: " + e.getMessage(), e);
        }
    }
}
