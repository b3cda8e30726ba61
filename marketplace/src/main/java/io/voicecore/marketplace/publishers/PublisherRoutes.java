package io.voicecore.marketplace.publishers;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.voicecore.kernel.http.Access;
import io.voicecore.kernel.http.ApiReply;
import io.voicecore.kernel.http.ApiRequest;
import io.voicecore.kernel.http.ApiRoutes;
import io.voicecore.kernel.http.JsonFields;
import io.voicecore.marketplace.web.Bodies;
import io.voicecore.marketplace.web.PathIds;

/** {@code /api/v1/marketplace/publishers}: sign-up, the publisher's profile and verification, signing keys. */
public final class PublisherRoutes {
    static final String BASE = "/api/v1/marketplace/publishers";
    private static final Set<String> PEM_TYPES = new LinkedHashSet<>(List.of("application/x-pem-file", "application/pem-certificate-chain",
                                                                             "text/plain"));
    private static final long MAX_CERTIFICATE_BYTES = 64 * 1024;

    private final Publishers publishers;

    public PublisherRoutes(Publishers publishers) {
        this.publishers = publishers;
    }

    public void register(ApiRoutes api) {
        api.post(BASE, Access.PUBLIC, this::signUp);
        api.get(BASE + "/{publisher}", Access.AUTHENTICATED, request ->
                ApiReply.ok(publishers.actingAs(request.pathParam("publisher"), request.principal()).ownView()));
        api.post(BASE + "/{publisher}/api-key", Access.AUTHENTICATED, request -> {
            Publisher publisher = publishers.actingAs(request.pathParam("publisher"), request.principal());
            return ApiReply.created(Map.of("apiKey", publishers.rotateApiKey(publisher, request.principal()),
                    "apiKeyNote", "Shown only this once; the previous key is revoked."));
        });
        api.post(BASE + "/{publisher}/verification", Access.AUTHENTICATED, request ->
                ApiReply.ok(publishers.verify(request.pathParam("publisher"), request.principal()).ownView()));
        api.post(BASE + "/{publisher}/signing-keys", Access.AUTHENTICATED, this::addKey);
        api.get(BASE + "/{publisher}/signing-keys", Access.AUTHENTICATED, request -> ApiReply.ok(Map.of("items",
                publishers.signingKeys(publishers.actingAs(request.pathParam("publisher"), request.principal()))
                        .stream().map(SigningKey::view).toList())));
        api.delete(BASE + "/{publisher}/signing-keys/{key}", Access.AUTHENTICATED, request -> {
            Publisher publisher = publishers.actingAs(request.pathParam("publisher"), request.principal());
            return ApiReply.ok(publishers.revokeSigningKey(publisher, PathIds.uuid(request, "key", "signing-key-not-found", "signing key"), request.principal()).view());
        });
    }

    private ApiReply signUp(ApiRequest request) {
        JsonFields body = request.jsonObject().allowOnly(Set.of("name", "slug", "email"));
        String name = body.requiredString("name");
        String slug = body.requiredString("slug", Publishers.SLUG, "must be 1-50 of a-z, 0-9 and '-', not starting or ending with '-'");
        String email = body.requiredString("email", Publishers.EMAIL, "must be an e-mail address");
        if (name != null && name.length() > 100) {
            body.reject("name", "must be at most 100 characters");
        }
        body.validate();
        Publishers.SignedUp signedUp = publishers.signUp(name, slug, email);
        Map<String, Object> view = signedUp.publisher().ownView();
        view.put("apiKey", signedUp.apiKey());
        view.put("apiKeyNote", "Shown only this once: keep it as 'Authorization: Bearer <apiKey>' for the publisher API.");
        return ApiReply.created(view).header("Location", BASE + "/" + signedUp.publisher().id());
    }

    private ApiReply addKey(ApiRequest request) {
        Publisher publisher = publishers.actingAs(request.pathParam("publisher"), request.principal());
        String pem = new String(Bodies.read(request, PEM_TYPES, "the PEM certificate (keytool -exportcert -rfc)", MAX_CERTIFICATE_BYTES),
                                StandardCharsets.UTF_8);
        SigningKey key = publishers.addSigningKey(publisher, pem, request.principal());
        return ApiReply.created(key.view()).header("Location", BASE + "/" + publisher.id() + "/signing-keys/" + key.id());
    }
}
