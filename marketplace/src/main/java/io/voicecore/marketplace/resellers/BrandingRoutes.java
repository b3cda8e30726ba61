package io.voicecore.marketplace.resellers;

import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.http.Access;
import io.voicecore.kernel.http.ApiReply;
import io.voicecore.kernel.http.ApiRequest;
import io.voicecore.kernel.http.ApiRoutes;
import io.voicecore.kernel.http.JsonFields;
import io.voicecore.kernel.http.WhiteLabel;
import io.voicecore.marketplace.MarketplaceRefusal;

/**
 * White label: a reseller's branding and custom domains under {@code /api/v1/resellers/{reseller}}, and the public
 * {@code /api/v1/branding} that answers the branding of the host a request was sent to.
 */
public final class BrandingRoutes {
    private static final String BASE = ResellerRoutes.BASE + "/{reseller}";

    private final Resellers resellers;
    private final ResellerBranding branding;
    private final ResellerDomains domains;

    public BrandingRoutes(Resellers resellers, ResellerBranding branding, ResellerDomains domains) {
        this.resellers = resellers;
        this.branding = branding;
        this.domains = domains;
    }

    public void register(ApiRoutes api) {
        api.get("/api/v1/branding", Access.PUBLIC, request -> {
            String host = WhiteLabel.hostOf(request.header("Host").orElse(null));
            // An unclaimed or unverified domain gets no reseller's branding: the platform's own is answered there.
            return ApiReply.ok(branding.forHost(host).orElse(Branding.PLATFORM).view()).header("Cache-Control", "public, max-age=60");
        });
        api.get(BASE + "/branding", Access.AUTHENTICATED, request ->
                ApiReply.ok(branding.of(resellers.actingAs(request.pathParam("reseller"), request.principal())).view()));
        api.put(BASE + "/branding", Access.AUTHENTICATED, this::replaceBranding);
        api.post(BASE + "/domains", Access.AUTHENTICATED, this::claim);
        api.get(BASE + "/domains", Access.AUTHENTICATED, request -> ApiReply.ok(Map.of("items",
                domains.list(resellers.actingAs(request.pathParam("reseller"), request.principal())).stream()
                        .map(ResellerDomains.Domain::view).toList())));
        api.post(BASE + "/domains/{domain}/verification", Access.AUTHENTICATED, request -> {
            Reseller reseller = resellers.actingAs(request.pathParam("reseller"), request.principal());
            return ApiReply.ok(domains.verify(reseller, pathDomain(request), request.principal()).view());
        });
        api.delete(BASE + "/domains/{domain}", Access.AUTHENTICATED, request -> {
            Reseller reseller = resellers.actingAs(request.pathParam("reseller"), request.principal());
            domains.release(reseller, pathDomain(request), request.principal());
            return ApiReply.noContent();
        });
    }

    private ApiReply replaceBranding(ApiRequest request) {
        Reseller reseller = resellers.actingAs(request.pathParam("reseller"), request.principal());
        JsonNode body = request.json();
        JsonFields fields = JsonFields.of(body);
        Branding parsed = Branding.read(body, "", fields);
        fields.validate();
        return ApiReply.ok(branding.replace(reseller, parsed, request.principal()).view());
    }

    private ApiReply claim(ApiRequest request) {
        Reseller reseller = resellers.actingAs(request.pathParam("reseller"), request.principal());
        JsonFields body = request.jsonObject().allowOnly(Set.of("domain"));
        String text = body.requiredString("domain");
        String domain = text == null ? null : DomainProofs.normalise(text).orElse(null);
        if (text != null && domain == null) {
            body.reject("domain", "must be a host name such as reception.example.com: no IP address, wildcard, path or user");
        }
        body.validate();
        Map.Entry<ResellerDomains.Domain, Boolean> claimed = domains.claim(reseller, domain, request.principal());
        Map<String, Object> view = claimed.getKey().view();
        return (claimed.getValue() ? ApiReply.created(view) : ApiReply.ok(view))
                .header("Location", ResellerRoutes.BASE + "/" + reseller.id() + "/domains/" + domain);
    }

    private static String pathDomain(ApiRequest request) {
        String text = request.pathParam("domain");
        return DomainProofs.normalise(text).orElseThrow(() -> MarketplaceRefusal.notFound("domain-not-claimed",
                "'" + text + "' is not a domain a reseller can claim."));
    }
}
