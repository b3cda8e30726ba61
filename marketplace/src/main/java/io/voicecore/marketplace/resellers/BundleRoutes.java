package io.voicecore.marketplace.resellers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.http.Access;
import io.voicecore.kernel.http.ApiReply;
import io.voicecore.kernel.http.ApiRequest;
import io.voicecore.kernel.http.ApiRoutes;
import io.voicecore.kernel.http.JsonFields;

/** {@code /api/v1/resellers/{reseller}/bundles}: a reseller's bundles, their versions, and rolling a version out. */
public final class BundleRoutes {
    private static final String BASE = ResellerRoutes.BASE + "/{reseller}/bundles";

    private final Resellers resellers;
    private final Bundles bundles;

    public BundleRoutes(Resellers resellers, Bundles bundles) {
        this.resellers = resellers;
        this.bundles = bundles;
    }

    public void register(ApiRoutes api) {
        api.post(BASE, Access.AUTHENTICATED, this::create);
        api.get(BASE, Access.AUTHENTICATED, this::list);
        api.get(BASE + "/{bundle}", Access.AUTHENTICATED, this::read);
        api.post(BASE + "/{bundle}/versions", Access.AUTHENTICATED, this::addVersion);
        api.get(BASE + "/{bundle}/versions/{version}", Access.AUTHENTICATED, this::readVersion);
        api.post(BASE + "/{bundle}/rollout", Access.AUTHENTICATED, this::rollout);
    }

    private ApiReply create(ApiRequest request) {
        Reseller reseller = reseller(request);
        JsonNode json = request.json();
        JsonFields body = JsonFields.of(json).allowOnly(Set.of("name", "plugins", "branding"));
        String name = body.requiredString("name");
        if (name != null && name.length() > 100) {
            body.reject("name", "must be at most 100 characters");
        }
        BundleContent content = bundles.content(body, json);
        body.validate();
        Bundles.Stored stored = bundles.create(reseller, name, content, request.principal());
        Bundles.Bundle bundle = bundles.bundle(reseller, stored.bundleId().toString());
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", bundle.id());
        view.put("name", bundle.name());
        view.putAll(versionView(stored));
        return ApiReply.created(view).header("Location", path(reseller, bundle));
    }

    private ApiReply list(ApiRequest request) {
        Reseller reseller = reseller(request);
        List<Map<String, Object>> items = bundles.list(reseller).stream().map(bundle -> {
            List<Bundles.Stored> versions = bundles.versions(bundle);
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("id", bundle.id());
            item.put("name", bundle.name());
            item.put("latestVersion", versions.get(versions.size() - 1).version());
            item.put("createdAt", bundle.createdAt());
            return item;
        }).toList();
        return ApiReply.ok(Map.of("items", items));
    }

    private ApiReply read(ApiRequest request) {
        Reseller reseller = reseller(request);
        Bundles.Bundle bundle = bundles.bundle(reseller, request.pathParam("bundle"));
        List<Bundles.Stored> versions = bundles.versions(bundle);
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", bundle.id());
        view.put("name", bundle.name());
        view.put("createdAt", bundle.createdAt());
        view.put("latest", versionView(versions.get(versions.size() - 1)));
        view.put("versions", versions.stream().map(v -> Map.of("version", v.version(), "createdAt", v.createdAt(),
                                                                  "createdBy", v.createdBy())).toList());
        return ApiReply.ok(view);
    }

    private ApiReply addVersion(ApiRequest request) {
        Reseller reseller = reseller(request);
        Bundles.Bundle bundle = bundles.bundle(reseller, request.pathParam("bundle"));
        JsonNode json = request.json();
        JsonFields body = JsonFields.of(json).allowOnly(Set.of("plugins", "branding"));
        BundleContent content = bundles.content(body, json);
        body.validate();
        Bundles.Stored stored = bundles.addVersion(reseller, bundle.id().toString(), content, request.principal());
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", bundle.id());
        view.put("name", bundle.name());
        view.putAll(versionView(stored));
        return ApiReply.created(view).header("Location", path(reseller, bundle) + "/versions/" + stored.version());
    }

    private ApiReply readVersion(ApiRequest request) {
        Reseller reseller = reseller(request);
        Bundles.Bundle bundle = bundles.bundle(reseller, request.pathParam("bundle"));
        int version = versionNumber(request.pathParam("version"));
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", bundle.id());
        view.put("name", bundle.name());
        view.putAll(versionView(bundles.version(bundle, version)));
        return ApiReply.ok(view);
    }

    private ApiReply rollout(ApiRequest request) {
        Reseller reseller = reseller(request);
        Bundles.Bundle bundle = bundles.bundle(reseller, request.pathParam("bundle"));
        JsonNode json = request.json();
        JsonFields body = JsonFields.of(json).allowOnly(Set.of("version"));
        JsonNode version = json.get("version");
        if (version == null || !version.canConvertToInt() || !version.isIntegralNumber() || version.intValue() < 1) {
            body.reject("version", "is required: the number of the bundle version to move sub-tenants to, e.g. 2");
        }
        body.validate();
        List<Bundles.Outcome> outcomes = bundles.rollout(reseller, bundle.id().toString(), version.intValue(), request.principal());
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("bundle", bundle.id());
        view.put("version", version.intValue());
        view.put("tenants", outcomes.stream().map(Bundles.Outcome::view).toList());
        return ApiReply.ok(view);
    }

    private Reseller reseller(ApiRequest request) {
        return resellers.actingAs(request.pathParam("reseller"), request.principal());
    }

    private static int versionNumber(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw io.voicecore.marketplace.MarketplaceRefusal.notFound("bundle-version-not-found", "'" + text
                    + "' is not a version number; versions are numbered 1, 2, ...");
        }
    }

    private static String path(Reseller reseller, Bundles.Bundle bundle) {
        return ResellerRoutes.BASE + "/" + reseller.id() + "/bundles/" + bundle.id();
    }

    private static Map<String, Object> versionView(Bundles.Stored stored) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("version", stored.version());
        view.put("plugins", stored.content().plugins().stream().map(BundleContent.Pinned::view).toList());
        view.put("branding", stored.content().branding());
        view.put("createdAt", stored.createdAt());
        view.put("createdBy", stored.createdBy());
        return view;
    }
}
