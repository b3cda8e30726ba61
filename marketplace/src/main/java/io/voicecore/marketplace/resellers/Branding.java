package io.voicecore.marketplace.resellers;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.http.Json;
import io.voicecore.kernel.http.JsonFields;

/**
 * A white label: the product name, logo, colours, assistant name, support e-mail and sender name a reseller (or one of
 * its bundles) shows instead of the platform's. Every field is optional; an unset field is taken from the branding
 * below it ({@link #overriddenBy}). The same rules judge a reseller's branding and a bundle's.
 */
public record Branding(String productName, String logoUrl, String primaryColour, String accentColour, String assistantName,
                       String supportEmail, String senderName) {

    /** The platform's own branding: what a tenant without a reseller sees, and where a reseller's domain is not proven. */
    public static final Branding PLATFORM = new Branding("VoiceCore", null, "#1f4fd8", "#12b886", "Ava", null, "VoiceCore");
    /** No field set. */
    public static final Branding NONE = new Branding(null, null, null, null, null, null, null);

    private static final List<String> FIELDS = List.of("productName", "logoUrl", "colours", "assistantName", "supportEmail",
                                                       "senderName");
    private static final Set<String> COLOURS = Set.of("primary", "accent");
    /** Letters, digits, spaces and the punctuation of company names; nothing that needs escaping in a greeting or a header. */
    private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{M}\\p{N}][\\p{L}\\p{M}\\p{N} .,&'()!+\\-]{0,59}");
    private static final Pattern ASSISTANT = Pattern.compile("[\\p{L}\\p{M}][\\p{L}\\p{M} .'\\-]{0,39}");
    private static final Pattern COLOUR = Pattern.compile("#[0-9a-fA-F]{6}");
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                                                         + "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+");

    /**
     * Reads a branding object sent by a client, adding a complaint to {@code complaints} for every bad field, named
     * {@code prefix + field} (e.g. {@code branding.logoUrl} inside a bundle). The caller calls
     * {@link JsonFields#validate()} once it has read everything else.
     *
     * @param node   the branding object; {@code null} or JSON null read as {@link #NONE}
     * @param prefix what goes before each field name in a complaint: {@code ""} for a body that is the branding itself
     */
    public static Branding read(JsonNode node, String prefix, JsonFields complaints) {
        if (node == null || node.isNull()) {
            return NONE;
        }
        if (!node.isObject()) {
            complaints.reject(prefix.isEmpty() ? "branding" : prefix.substring(0, prefix.length() - 1), "must be an object with "
                    + FIELDS);
            return NONE;
        }
        unknown(node, Set.copyOf(FIELDS), prefix, complaints);
        String productName = text(node, "productName", prefix, complaints, NAME,
                                  "must be 1 to 60 letters, digits, spaces or . , & ' ( ) ! + -, starting with a letter or digit");
        String logoUrl = text(node, "logoUrl", prefix, complaints, null, null);
        if (logoUrl != null && !isHttpsUrl(logoUrl)) {
            complaints.reject(prefix + "logoUrl", "must be an https:// URL with a host, at most 500 characters");
            logoUrl = null;
        }
        String primary = null;
        String accent = null;
        JsonNode colours = node.get("colours");
        if (colours != null && !colours.isNull()) {
            if (!colours.isObject()) {
                complaints.reject(prefix + "colours", "must be an object with 'primary' and/or 'accent'");
            } else {
                unknown(colours, COLOURS, prefix + "colours.", complaints);
                primary = text(colours, "primary", prefix + "colours.", complaints, COLOUR, "must be a colour as #rrggbb");
                accent = text(colours, "accent", prefix + "colours.", complaints, COLOUR, "must be a colour as #rrggbb");
            }
        }
        String assistantName = text(node, "assistantName", prefix, complaints, ASSISTANT,
                                    "must be 1 to 40 letters, spaces or . ' -, starting with a letter");
        String supportEmail = text(node, "supportEmail", prefix, complaints, EMAIL, "must be an e-mail address like help@example.com");
        if (supportEmail != null && supportEmail.length() > 254) {
            complaints.reject(prefix + "supportEmail", "must be at most 254 characters");
            supportEmail = null;
        }
        String senderName = text(node, "senderName", prefix, complaints, NAME,
                                 "must be 1 to 60 letters, digits, spaces or . , & ' ( ) ! + -, starting with a letter or digit");
        return new Branding(productName, logoUrl, lower(primary), lower(accent), assistantName, supportEmail, senderName);
    }

    /** A branding as stored (by {@link #toJson}); stored rows were validated when written. */
    public static Branding fromStored(JsonNode stored) {
        if (stored == null || !stored.isObject()) {
            return NONE;
        }
        JsonNode colours = stored.path("colours");
        return new Branding(stored(stored, "productName"), stored(stored, "logoUrl"), stored(colours, "primary"),
                            stored(colours, "accent"), stored(stored, "assistantName"), stored(stored, "supportEmail"),
                            stored(stored, "senderName"));
    }

    public static Branding fromStored(String json) {
        return json == null ? NONE : fromStored(Json.parse(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** This branding with every field {@code over} sets taken from {@code over}. */
    public Branding overriddenBy(Branding over) {
        return new Branding(pick(over.productName, productName), pick(over.logoUrl, logoUrl), pick(over.primaryColour, primaryColour),
                            pick(over.accentColour, accentColour), pick(over.assistantName, assistantName),
                            pick(over.supportEmail, supportEmail), pick(over.senderName, senderName));
    }

    /** The fields that are set, as the API shows them ({@code colours} nested). */
    public Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        put(view, "productName", productName);
        put(view, "logoUrl", logoUrl);
        Map<String, Object> colours = new LinkedHashMap<>();
        put(colours, "primary", primaryColour);
        put(colours, "accent", accentColour);
        if (!colours.isEmpty()) {
            view.put("colours", colours);
        }
        put(view, "assistantName", assistantName);
        put(view, "supportEmail", supportEmail);
        put(view, "senderName", senderName);
        return view;
    }

    /** The stored form: the same as {@link #view()}. */
    public String toJson() {
        return Json.writeString(view());
    }

    private static void unknown(JsonNode node, Set<String> known, String prefix, JsonFields complaints) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                complaints.reject(prefix + name, "unknown field; expected one of " + known.stream().sorted().toList());
            }
        }
    }

    private static String text(JsonNode node, String field, String prefix, JsonFields complaints, Pattern pattern, String rule) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual() || value.textValue().isBlank()) {
            complaints.reject(prefix + field, "must be a non-blank string");
            return null;
        }
        String text = value.textValue().strip();
        if (pattern != null && !pattern.matcher(text).matches()) {
            complaints.reject(prefix + field, rule);
            return null;
        }
        return text;
    }

    private static boolean isHttpsUrl(String text) {
        if (text.length() > 500) {
            return false;
        }
        try {
            URI uri = new URI(text);
            return "https".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null && uri.getUserInfo() == null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static String stored(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.isTextual() ? null : value.textValue();
    }

    private static String lower(String colour) {
        return colour == null ? null : colour.toLowerCase(java.util.Locale.ROOT);
    }

    private static String pick(String over, String under) {
        return over != null ? over : under;
    }

    private static void put(Map<String, Object> view, String name, String value) {
        if (value != null) {
            view.put(name, value);
        }
    }
}
