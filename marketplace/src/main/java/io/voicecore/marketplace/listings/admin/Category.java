package io.voicecore.marketplace.listings.admin;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** What a listing is filed under in the marketplace; a publisher picks one. Wire names are lower case. */
public enum Category {
    AI,
    ANALYTICS,
    COMMUNICATION,
    CRM,
    INTEGRATIONS,
    PRODUCTIVITY,
    TELEPHONY,
    /** Everything else, and a listing whose publisher has not chosen yet. */
    OTHER;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Category> fromWire(String text) {
        return Arrays.stream(values()).filter(c -> c.wireName().equals(text)).findFirst();
    }

    public static List<String> wireNames() {
        return Arrays.stream(values()).map(Category::wireName).toList();
    }
}
