package io.voicecore.marketplace;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.voicecore.kernel.KernelExtension;
import io.voicecore.kernel.KernelServices;
import io.voicecore.kernel.http.ApiRoutes;
import io.voicecore.kernel.http.ProblemMapper;
import io.voicecore.kernel.plugins.egress.EgressResolver;
import io.voicecore.kernel.plugins.egress.PrivateAddressAllowList;
import io.voicecore.kernel.plugins.runtime.PluginRuntime;
import io.voicecore.kernel.storage.Database;
import io.voicecore.kernel.tenancy.TenantResolver;
import io.voicecore.marketplace.analytics.AnalyticsRoutes;
import io.voicecore.marketplace.analytics.PublisherAnalytics;
import io.voicecore.marketplace.commerce.BillingUsageHold;
import io.voicecore.marketplace.commerce.CommerceRoutes;
import io.voicecore.marketplace.commerce.CommerceSchedule;
import io.voicecore.marketplace.commerce.CommerceSettings;
import io.voicecore.marketplace.commerce.Payouts;
import io.voicecore.marketplace.commerce.ResalePrices;
import io.voicecore.marketplace.commerce.Purchases;
import io.voicecore.marketplace.commerce.Refunds;
import io.voicecore.marketplace.commerce.StripeGate;
import io.voicecore.marketplace.commerce.StripeWebhooks;
import io.voicecore.marketplace.commerce.Subscriptions;
import io.voicecore.marketplace.installs.InstallRoutes;
import io.voicecore.marketplace.installs.Installs;
import io.voicecore.marketplace.installs.LicenceIssuer;
import io.voicecore.marketplace.ledger.Ledger;
import io.voicecore.marketplace.ledger.LedgerRoutes;
import io.voicecore.marketplace.licence.LicenceVerifier;
import io.voicecore.marketplace.licence.MarketplaceLicenceGate;
import io.voicecore.marketplace.listings.ListingRoutes;
import io.voicecore.marketplace.listings.Listings;
import io.voicecore.marketplace.listings.admin.ListingAdmin;
import io.voicecore.marketplace.listings.admin.ListingAdminRoutes;
import io.voicecore.marketplace.publishers.PublisherRoutes;
import io.voicecore.marketplace.publishers.Publishers;
import io.voicecore.marketplace.ratings.RatingRoutes;
import io.voicecore.marketplace.ratings.Ratings;
import io.voicecore.marketplace.resellers.BrandingRoutes;
import io.voicecore.marketplace.resellers.BundleProvisioning;
import io.voicecore.marketplace.resellers.BundleRoutes;
import io.voicecore.marketplace.resellers.Bundles;
import io.voicecore.marketplace.resellers.DomainProofs;
import io.voicecore.marketplace.resellers.ResellerBranding;
import io.voicecore.marketplace.resellers.ResellerDomains;
import io.voicecore.marketplace.resellers.ResellerMoney;
import io.voicecore.marketplace.resellers.ResellerMoneyRoutes;
import io.voicecore.marketplace.resellers.ResellerRoutes;
import io.voicecore.marketplace.resellers.Resellers;
import io.voicecore.marketplace.resellers.SubTenantRoutes;
import io.voicecore.marketplace.resellers.SubTenants;
import io.voicecore.marketplace.resellers.SupportAccess;
import io.voicecore.marketplace.reviewers.ReviewRoutes;
import io.voicecore.marketplace.reviewers.Reviewers;
import io.voicecore.marketplace.submissions.AutomatedReviews;
import io.voicecore.marketplace.submissions.SubmissionRoutes;
import io.voicecore.marketplace.submissions.Submissions;

/**
 * The marketplace as a kernel extension: its schema, its services built on the kernel's, its routes under
 * {@code /api/v1/marketplace} and {@code /api/v1/tenants/{tenant}/marketplace}. Found by the kernel through
 * {@code META-INF/services}; tests construct it with their own settings (a clock they control).
 */
public final class MarketplaceExtension implements KernelExtension {
    private final MarketplaceSettings settings;
    private KernelServices kernel;
    private Publishers publishers;
    private TenantResolver tenants;
    private Ratings ratings;
    private PublisherAnalytics analytics;
    private ListingAdmin listingAdmin;
    private Listings listings;
    private Submissions submissions;
    private Reviewers reviewers;
    private LicenceIssuer issuer;
    private Installs installs;
    private Ledger ledger;
    private Purchases purchases;
    private CommerceSchedule schedule;
    private BillingUsageHold usageHold;
    private final ScheduledExecutorService jobs = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "marketplace-money-jobs");
        thread.setDaemon(true);
        return thread;
    });
    private Refunds refunds;
    private Subscriptions subscriptions;
    private Payouts payouts;
    private ResalePrices resalePrices;
    private ResellerMoney resellerMoney;
    private StripeWebhooks webhooks;
    private Resellers resellers;
    private Bundles bundles;
    private SubTenants subTenants;
    private SupportAccess supportAccess;
    private ResellerBranding resellerBranding;
    private ResellerDomains resellerDomains;

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
        this.kernel = kernel;
        Database database = kernel.database();
        PluginRuntime plugins = kernel.plugins();
        tenants = kernel.tenantResolver();
        publishers = new Publishers(database, kernel.apiKeys(), kernel.audit(), settings.clock());
        ratings = new Ratings(database, kernel.audit(), settings.clock());
        analytics = new PublisherAnalytics(database);
        listingAdmin = new ListingAdmin(database, kernel.audit(), settings.clock());
        listings = new Listings(database, plugins, kernel.state(), settings.clock());
        issuer = LicenceIssuer.establish(database, kernel.secretBox(), settings.clock());
        LicenceVerifier verifier = issuer.verifier(settings.licenceGrace());
        // Before any plugin is called: a listed plugin runs for a tenant only under a licence judged here, offline.
        plugins.enablement().useLicenceGate(new MarketplaceLicenceGate(verifier, listings::isListed));
        submissions = new Submissions(database, publishers, listings, plugins.catalog(), AutomatedReviews.of(kernel),
                                      kernel.audit(), settings.fastTrack(), settings.clock());
        reviewers = new Reviewers(database, kernel.apiKeys(), kernel.audit());
        resellers = new Resellers(database, kernel.apiKeys(), kernel.audit());
        resellerBranding = new ResellerBranding(database, kernel.audit(), kernel.state(), settings.clock());
        resellerDomains = new ResellerDomains(database, resellerBranding, kernel.audit(), new DomainProofs(DomainProofs.TxtResolver.JNDI,
                EgressResolver.SYSTEM, PrivateAddressAllowList.of(kernel.config()), 80, Duration.ofSeconds(5)));
        // On a reseller's verified domain the kernel names the reseller's product, never the platform.
        kernel.useWhiteLabel(resellerBranding);
        // Plugins read a reseller's tenant's branding (the receptionist greets with its assistant's name).
        kernel.useBrandingSource(resellerBranding::forPlugins);
        installs = new Installs(database, listings, plugins, issuer, verifier, kernel.audit(), settings.clock());
        ledger = new Ledger(database, kernel.audit(), settings.clock());
        bundles = new Bundles(database, plugins, kernel.pluginConfigs(), listings, installs, kernel.audit(), resellerBranding::forget);
        subTenants = new SubTenants(database, kernel.tenantService(), kernel.tenants(), kernel.apiKeys(), kernel.usage(), kernel.audit(),
                                    bundles, settings.clock());
        supportAccess = new SupportAccess(database, subTenants, kernel.users(), kernel.sessions(), kernel.audit(), settings.clock());
        CommerceSettings commerce = settings.commerce();
        StripeGate stripe = new StripeGate(commerce.stripe());
        subscriptions = new Subscriptions(database, installs, plugins, issuer, ledger, stripe, kernel.usage(), kernel.audit(), settings.clock());
        resalePrices = new ResalePrices(database, listings, kernel.audit(), settings.clock());
        resellerMoney = new ResellerMoney(database);
        purchases = new Purchases(database, listings, installs, plugins, issuer, ledger, stripe, subscriptions, resalePrices, kernel.audit(),
                                  settings.clock());
        refunds = new Refunds(database, ledger, stripe, installs, kernel.audit(), settings.clock(), commerce.refundWindow());
        payouts = new Payouts(database, ledger, stripe, kernel.audit(), settings.clock(), commerce.payoutHold(), commerce.payoutMinimum());
        webhooks = new StripeWebhooks(database, ledger, commerce.stripe().webhookSecret(), kernel.audit(), settings.clock());
        submissions.resumePending();
        // Raw usage records an uninvoiced period or a spend cap still reads are kept by the kernel's retention.
        usageHold = new BillingUsageHold(database, issuer.verifier(settings.licenceGrace()));
        kernel.retention().hold(usageHold);
        schedule = new CommerceSchedule(database, subscriptions, purchases, payouts, settings.clock(), commerce.payoutTime());
        if (commerce.scheduledJobs()) {
            // Renewals, purchases a stopped node left between Stripe's answer and our commit, and the daily payout run.
            jobs.scheduleWithFixedDelay(schedule::tick, 10, 60, TimeUnit.SECONDS);
        }
    }

    /** The scheduled money jobs, for tests that run them on their clock. */
    public CommerceSchedule schedule() {
        return schedule;
    }

    /** What raw usage billing still reads, as the kernel's retention asks it; for tests and operators' tools. */
    public BillingUsageHold usageHold() {
        return usageHold;
    }

    /** Subscriptions, for tests that renew them on their clock. */
    public Subscriptions subscriptions() {
        return subscriptions;
    }

    /** Purchases, for the operator's tools and tests that complete pending ones now. */
    public Purchases purchases() {
        return purchases;
    }

    @Override
    public void registerRoutes(ApiRoutes api) {
        new PublisherRoutes(publishers).register(api);
        new RatingRoutes(ratings, publishers, tenants).register(api);
        new AnalyticsRoutes(analytics, publishers, settings.clock()).register(api);
        new ListingAdminRoutes(listingAdmin, publishers).register(api);
        new SubmissionRoutes(publishers, submissions, Math.min(settings.maxJarBytes(), kernel.config().pluginMaxJarBytes())).register(api);
        new ReviewRoutes(reviewers, submissions).register(api);
        new ListingRoutes(listings).register(api);
        new InstallRoutes(installs, tenants, issuer).register(api);
        new LedgerRoutes(ledger, publishers).register(api);
        new CommerceRoutes(purchases, subscriptions, refunds, payouts, webhooks, publishers, tenants).register(api);
        new ResellerRoutes(resellers).register(api);
        new BundleRoutes(resellers, bundles).register(api);
        new SubTenantRoutes(resellers, subTenants, supportAccess, tenants).register(api);
        new ResellerMoneyRoutes(resellers, resalePrices, payouts, ledger, resellerMoney).register(api);
        new BrandingRoutes(resellers, resellerBranding, resellerDomains).register(api);
    }

    @Override
    public void close() {
        jobs.shutdownNow();
        if (submissions != null) {
            submissions.close();
        }
        if (listings != null) {
            listings.close();
        }
        if (resellerBranding != null) {
            resellerBranding.close();
        }
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

    /** What gives a sub-tenant created from a bundle its plugins, once started. */
    public BundleProvisioning bundles() {
        if (bundles == null) {
            throw new IllegalStateException("the marketplace has not started");
        }
        return bundles;
    }

    /** Resellers' custom domains, for tests that check proofs with resolvers of their own. */
    public ResellerDomains resellerDomains() {
        return resellerDomains;
    }

    /** Resellers' white labels: the branding of a tenant, a reseller or a host. */
    public ResellerBranding resellerBranding() {
        return resellerBranding;
    }

    /** The ledger, once started: the services that move money record it there. */
    public Ledger ledger() {
        if (ledger == null) {
            throw new IllegalStateException("the marketplace has not started");
        }
        return ledger;
    }

}
