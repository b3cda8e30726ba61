package io.voicecore.marketplace.resellers;

import java.util.Map;
import java.util.Set;

import io.voicecore.kernel.http.Access;
import io.voicecore.kernel.http.ApiReply;
import io.voicecore.kernel.http.ApiRequest;
import io.voicecore.kernel.http.ApiRoutes;
import io.voicecore.kernel.http.JsonFields;
import io.voicecore.marketplace.publishers.Publishers;
import io.voicecore.marketplace.web.PathIds;

/** {@code /api/v1/resellers}: reseller accounts, created by the platform admin. */
public final class ResellerRoutes {
    static final String BASE = "/api/v1/resellers";

    private final Resellers resellers;

    public ResellerRoutes(Resellers resellers) {
        this.resellers = resellers;
    }

    public void register(ApiRoutes api) {
        api.post(BASE, Access.AUTHENTICATED, this::create);
        api.get(BASE, Access.AUTHENTICATED, request -> ApiReply.ok(Map.of("items", resellers.list(request.principal()))));
        api.get(BASE + "/{reseller}", Access.AUTHENTICATED, request ->
                ApiReply.ok(resellers.actingAs(request.pathParam("reseller"), request.principal()).view()));
        api.post(BASE + "/{reseller}/api-keys", Access.AUTHENTICATED, this::addKey);
        api.get(BASE + "/{reseller}/api-keys", Access.AUTHENTICATED, request -> ApiReply.ok(Map.of("items",
                resellers.keys(resellers.actingAs(request.pathParam("reseller"), request.principal())).stream()
                        .map(Resellers.ResellerKey::view).toList())));
        api.delete(BASE + "/{reseller}/api-keys/{key}", Access.AUTHENTICATED, request -> {
            Reseller reseller = resellers.actingAs(request.pathParam("reseller"), request.principal());
            resellers.revokeKey(reseller, PathIds.uuid(request, "key", "reseller-key-not-found", "reseller key"), request.principal());
            return ApiReply.noContent();
        });
    }

    private ApiReply addKey(ApiRequest request) {
        Reseller reseller = resellers.actingAs(request.pathParam("reseller"), request.principal());
        JsonFields body = request.jsonObject().allowOnly(Set.of("name"));
        String name = body.requiredString("name");
        if (name != null && (name.isBlank() || name.length() > 100)) {
            body.reject("name", "must be 1 to 100 characters, e.g. \"billing system\"");
        }
        body.validate();
        Resellers.KeyCreated created = resellers.addKey(reseller, name.strip(), request.principal());
        Map<String, Object> view = created.key().view();
        view.put("apiKey", created.secret());
        view.put("apiKeyNote", "Shown only this once: keep it as 'Authorization: Bearer <apiKey>' for the reseller API.");
        return ApiReply.created(view).header("Location", BASE + "/" + reseller.id() + "/api-keys/" + created.key().id());
    }

    private ApiReply create(ApiRequest request) {
        JsonFields body = request.jsonObject().allowOnly(Set.of("name", "slug"));
        String name = body.requiredString("name");
        String slug = body.requiredString("slug", Publishers.SLUG, "must be 1-50 of a-z, 0-9 and '-', not starting or ending with '-'");
        if (name != null && (name.isBlank() || name.length() > 100)) {
            body.reject("name", "must be 1 to 100 characters");
        }
        body.validate();
        Resellers.Created created = resellers.create(name.strip(), slug, request.principal());
        Map<String, Object> view = created.reseller().view();
        view.put("apiKey", created.apiKey());
        view.put("apiKeyNote", "Shown only this once: keep it as 'Authorization: Bearer <apiKey>' for the reseller API.");
        return ApiReply.created(view).header("Location", BASE + "/" + created.reseller().id());
    }
}
