package io.voicecore.marketplace.publishers;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** A developer or company that publishes plugins; {@code verifiedAt} is set once the platform admin vouched for it. */
public record Publisher(UUID id, String slug, String name, String email, UUID apiKeyId, Instant verifiedAt, Instant createdAt) {

    public boolean verified() {
        return verifiedAt != null;
    }

    /** What anyone may see of a publisher: no e-mail address. */
    public Map<String, Object> publicView() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", id);
        view.put("slug", slug);
        view.put("name", name);
        view.put("verified", verified());
        return view;
    }

    /** What the publisher itself and the platform admin see. */
    public Map<String, Object> ownView() {
        Map<String, Object> view = publicView();
        view.put("email", email);
        view.put("verifiedAt", verifiedAt);
        view.put("createdAt", createdAt);
        return view;
    }
}
