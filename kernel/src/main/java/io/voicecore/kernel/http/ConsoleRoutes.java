package io.voicecore.kernel.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Serves the web console ({@code admin-ui}) at {@code /console/} from the class path, where the console's jar puts its
 * built files under {@value #RESOURCE_ROOT}. The kernel does not depend on the console: without that jar nothing is
 * registered and {@code /console} answers 404 like any unknown path.
 *
 * <p>The console routes on the client, so any path under {@code /console/} that names no file and has no file extension
 * answers {@code index.html}; a missing asset (a name with an extension) answers 404. Built assets carry a content hash
 * in their names and are cached for a year; {@code index.html} is never cached, so a new build is picked up at once.
 */
public final class ConsoleRoutes {
    /** Where the console's jar keeps its built files. */
    public static final String RESOURCE_ROOT = "voicecore-console/";
    /** Scripts and styles only from the console itself; API calls only to the same origin; no framing. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
            + "form-action 'self'; frame-ancestors 'none'";
    private static final io.helidon.http.HeaderName NOSNIFF_HEADER = HeaderNames.create("X-Content-Type-Options");
    private static final Pattern SAFE_PATH = Pattern.compile("[A-Za-z0-9._/-]*");
    private static final Map<String, String> CONTENT_TYPES = Map.ofEntries(
            Map.entry("html", "text/html;charset=utf-8"), Map.entry("js", "text/javascript;charset=utf-8"),
            Map.entry("css", "text/css;charset=utf-8"), Map.entry("json", "application/json"),
            Map.entry("svg", "image/svg+xml"), Map.entry("png", "image/png"), Map.entry("ico", "image/x-icon"),
            Map.entry("woff2", "font/woff2"), Map.entry("txt", "text/plain;charset=utf-8"),
            Map.entry("map", "application/json"), Map.entry("webmanifest", "application/manifest+json"));

    private final ClassLoader loader;

    public ConsoleRoutes(ClassLoader loader) {
        this.loader = loader;
    }

    /** Whether the console's built files are on the class path. */
    public boolean present() {
        return loader.getResource(RESOURCE_ROOT + "index.html") != null;
    }

    /** Registers {@code /console} and {@code /console/*} when the console is present; returns whether it was. */
    public boolean register(HttpRouting.Builder routing) {
        if (!present()) {
            return false;
        }
        routing.get("/console", (req, res) -> {
            res.status(Status.MOVED_PERMANENTLY_301);
            res.header(HeaderNames.LOCATION, "/console/");
            res.send();
        });
        routing.get("/console/*", this::serve);
        return true;
    }

    private void serve(ServerRequest req, ServerResponse res) {
        String path = req.path().path().substring("/console/".length());
        RequestFilter.context(req).route("/console");
        if (!SAFE_PATH.matcher(path).matches() || path.contains("..")) {
            notFound(req, res);
            return;
        }
        String name = path.substring(path.lastIndexOf('/') + 1);
        String extension = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1) : "";
        Optional<byte[]> file = path.isEmpty() || extension.isEmpty() ? Optional.empty() : read(path);
        if (file.isPresent() && !path.equals("index.html")) {
            res.header(HeaderNames.CONTENT_TYPE, CONTENT_TYPES.getOrDefault(extension, "application/octet-stream"));
            res.header(HeaderNames.CACHE_CONTROL, path.startsWith("assets/") ? "public, max-age=31536000, immutable"
                                                                              : "no-cache");
            res.header(NOSNIFF_HEADER, "nosniff");
            res.send(file.get());
            return;
        }
        if (!extension.isEmpty() && !path.equals("index.html")) {
            notFound(req, res);
            return;
        }
        byte[] index = read("index.html").orElseThrow();
        res.header(HeaderNames.CONTENT_TYPE, CONTENT_TYPES.get("html"));
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.header(NOSNIFF_HEADER, "nosniff");
        res.header(HeaderNames.create("Content-Security-Policy"), CONTENT_SECURITY_POLICY);
        res.header(HeaderNames.create("Referrer-Policy"), "no-referrer");
        res.send(index);
    }

    private static void notFound(ServerRequest req, ServerResponse res) {
        RequestContext context = RequestFilter.context(req);
        ProblemWriter.write(res, new ApiException.NotFound("console-file-not-found",
                "The console has no file " + req.path().path() + "; open /console/ for the console."),
                context.requestId(), req.path().path());
    }

    private Optional<byte[]> read(String path) {
        try (InputStream in = loader.getResourceAsStream(RESOURCE_ROOT + path)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
