package io.voicecore.marketplace;

import java.util.Optional;

import io.voicecore.kernel.KernelExtension;
import io.voicecore.kernel.KernelServices;
import io.voicecore.kernel.http.ApiRoutes;
import io.voicecore.kernel.http.ProblemMapper;
import io.voicecore.kernel.tenancy.TenantResolver;
import io.voicecore.marketplace.analytics.AnalyticsRoutes;
import io.voicecore.marketplace.analytics.PublisherAnalytics;
import io.voicecore.marketplace.listings.admin.ListingAdmin;
import io.voicecore.marketplace.listings.admin.ListingAdminRoutes;
import io.voicecore.marketplace.publishers.PublisherRoutes;
import io.voicecore.marketplace.publishers.Publishers;
import io.voicecore.marketplace.ratings.RatingRoutes;
import io.voicecore.marketplace.ratings.Ratings;

/**
 * The marketplace as a kernel extension: its schema, its services built on the kernel's, its routes under
 * {@code /api/v1/marketplace} and {@code /api/v1/tenants/{tenant}/marketplace}. Found by the kernel through
 * {@code META-INF/services}; tests construct it with their own settings (a clock they control).
 */
public final class MarketplaceExtension implements KernelExtension {
    private final MarketplaceSettings settings;
    private Publishers publishers;
    private TenantResolver tenants;
    private Ratings ratings;
    private PublisherAnalytics analytics;
    private ListingAdmin listingAdmin;

    /** The extension as the kernel finds it: settings from the environment. */
    public MarketplaceExtension() {
        this(MarketplaceSettings.fromEnvironment(System.getenv()));
    }

    public MarketplaceExtension(MarketplaceSettings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return "marketplace";
    }

    @Override
    public Optional<Migrations> migrations() {
        return Optional.of(new Migrations("marketplace", "db/marketplace"));
    }

    @Override
    public void start(KernelServices kernel) {
        publishers = new Publishers(kernel.database(), kernel.apiKeys(), kernel.audit(), settings.clock());
        tenants = kernel.tenantResolver();
        ratings = new Ratings(kernel.database(), kernel.audit(), settings.clock());
        analytics = new PublisherAnalytics(kernel.database());
        listingAdmin = new ListingAdmin(kernel.database(), kernel.audit(), settings.clock());
    }

    @Override
    public void registerRoutes(ApiRoutes api) {
        new PublisherRoutes(publishers).register(api);
        new RatingRoutes(ratings, publishers, tenants).register(api);
        new AnalyticsRoutes(analytics, publishers, settings.clock()).register(api);
        new ListingAdminRoutes(listingAdmin, publishers).register(api);
    }

    @Override
    public ProblemMapper problems() {
        return MarketplaceRefusal::problemFor;
    }

    @Override
    public Optional<String> openApi() {
        try (var in = MarketplaceExtension.class.getResourceAsStream("/io/voicecore/marketplace/openapi.yaml")) {
            if (in == null) {
                throw new IllegalStateException("the marketplace's openapi.yaml is missing from its jar");
            }
            return Optional.of(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The settings it runs with. */
    public MarketplaceSettings settings() {
        return settings;
    }
}
