package io.voicecore.aigateway;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import io.voicecore.aigateway.api.Analysis;
import io.voicecore.aigateway.api.Completion;
import io.voicecore.aigateway.api.CompletionRequest;
import io.voicecore.aigateway.api.GatewayStatus;
import io.voicecore.aigateway.api.LanguageModel;
import io.voicecore.aigateway.api.Message;
import io.voicecore.aigateway.api.Persona;
import io.voicecore.aigateway.offline.OfflineEngine;
import io.voicecore.sdk.PluginContext;

/**
 * The language model of one tenant, for one call: what other plugins get from {@code services().require} and what the
 * gateway's own routes use. Acts with the gateway's context (its configuration, secrets, storage, usage and egress).
 *
 * <p>A completion goes online only when the tenant set the secret {@value #API_KEY_SECRET}. Then: an identical recent
 * request is answered from the response cache (not billed again); otherwise, if the circuit breaker lets it, the
 * provider is called, and retried with backoff on 429, 5xx and time-outs ({@link ProviderCalls}). When the provider
 * does not answer (after the retries, or with the breaker open) the offline engine answers and the completion
 * says why in {@code fallbackReason}. A refusal by the kernel's egress is a permission error and is thrown, never
 * hidden behind an offline answer. Tokens, cache hits, provider errors and fallbacks are metered per tenant.
 */
final class Gateway implements LanguageModel {
    /** The secret holding the tenant's OpenAI API key. */
    static final String API_KEY_SECRET = "openai.api-key";
    static final String METER_PROMPT_TOKENS = "ai.tokens.prompt";
    static final String METER_COMPLETION_TOKENS = "ai.tokens.completion";
    static final String METER_CACHE_HITS = "ai.cache_hits";
    static final String METER_PROVIDER_ERRORS = "ai.provider_errors";
    static final String METER_FALLBACKS = "ai.fallbacks";
    /** Every completion answered, online or offline: what a tenant's conversations used, whichever engine answered. */
    static final String METER_COMPLETIONS = "ai.completions";

    private final PluginContext context;
    private final Clock clock;
    private final RandomGenerator random;
    private final OfflineEngine offline = new OfflineEngine();

    /** @param context the gateway's context for the tenant's call */
    Gateway(PluginContext context) {
        this(context, Clock.systemUTC(), new SplittableRandom());
    }

    /**
     * @param context the gateway's context for the tenant's call
     * @param clock   the time, for the cache and the breaker
     * @param random  the jitter of retry waits
     */
    Gateway(PluginContext context, Clock clock, RandomGenerator random) {
        this.context = context;
        this.clock = clock;
        this.random = random;
    }

    @Override
    public Completion complete(CompletionRequest request) {
        Objects.requireNonNull(request, "request");
        Completion completion = answer(request);
        meter(METER_COMPLETIONS, 1, "call");
        return completion;
    }

    private Completion answer(CompletionRequest request) {
        Optional<String> apiKey = context.secrets().get(API_KEY_SECRET);
        if (apiKey.isEmpty()) {
            return offline.complete(request);
        }
        GatewaySettings settings = GatewaySettings.of(context.config());
        settings.requireUsableBaseUrl();
        ModelProvider provider = ModelProviders.openAi(context, settings, apiKey.get());
        boolean caching = !settings.cacheTtl().isZero();
        String key = CacheKey.of(settings.baseUrl().toString(), settings.model(), request);
        ResponseCache cache = new ResponseCache(context.storage());
        if (caching) {
            Optional<Completion> cached = cache.find(key, clock.instant());
            if (cached.isPresent()) {
                context.usage().record(METER_CACHE_HITS, 1, "call");
                return cached.get();
            }
        }
        ProviderRequest providerRequest = new ProviderRequest(settings.model(), Prompt.messages(request), request.maxTokens());
        ProviderCalls.Outcome<ProviderReply> outcome = new ProviderCalls(context, settings, clock, random)
                .call(() -> provider.complete(providerRequest));
        return switch (outcome) {
            case ProviderCalls.Answered<ProviderReply>(ProviderReply reply) -> {
                Completion completion = new Completion(reply.text(), answerLanguage(request), Completion.Source.OPENAI, reply.model(),
                                                       Math.max(0, reply.promptTokens()), Math.max(0, reply.completionTokens()), false,
                                                       Optional.empty());
                meter(METER_PROMPT_TOKENS, completion.promptTokens(), "token");
                meter(METER_COMPLETION_TOKENS, completion.completionTokens(), "token");
                if (caching) {
                    cache.put(key, completion, clock.instant(), settings.cacheTtl());
                }
                yield completion;
            }
            case ProviderCalls.BreakerOpen<ProviderReply>(String reason) -> fallBack(request, reason);
            case ProviderCalls.Failed<ProviderReply>(String reason) -> fallBack(request, reason);
        };
    }

    @Override
    public Analysis analyse(String text, List<String> languagesOffered, Optional<String> currentLanguage) {
        return offline.analyse(text, languagesOffered, currentLanguage);
    }

    @Override
    public Optional<Boolean> openAt(Persona persona, Instant at) {
        return offline.openAt(persona, at);
    }

    @Override
    public GatewayStatus status() {
        GatewaySettings settings = GatewaySettings.of(context.config());
        GatewayStatus.Mode mode = context.secrets().get(API_KEY_SECRET).isPresent() ? GatewayStatus.Mode.ONLINE : GatewayStatus.Mode.OFFLINE;
        return new GatewayStatus(mode, settings.model(), settings.providerHost(),
                                 settings.breaker().view(new BreakerStore(context.storage()).read(), clock.instant()));
    }

    /** @return how many cached answers of the tenant were deleted */
    int clearCache() {
        return new ResponseCache(context.storage()).clear();
    }

    /** The offline engine's answer instead of the provider's, saying why, and counted. */
    private Completion fallBack(CompletionRequest request, String reason) {
        meter(METER_FALLBACKS, 1, "call");
        context.log().warn("answered offline instead of online: " + reason);
        Completion answer = offline.complete(request);
        return new Completion(answer.text(), answer.language(), answer.source(), answer.model(), 0, 0, false, Optional.of(reason));
    }

    /** The language an online answer is in: the one asked for, else the caller's (as the offline analysis finds it). */
    private String answerLanguage(CompletionRequest request) {
        List<String> offered = request.persona().languages();
        Optional<String> lastCallerText = request.messages().stream().filter(m -> m.role() == Message.Role.USER).map(Message::text)
                .reduce((first, second) -> second);
        return request.language().orElseGet(() -> lastCallerText.map(text -> offline.analyse(text, offered, Optional.empty()).language())
                .orElse(request.persona().defaultLanguage()));
    }

    private void meter(String meter, long quantity, String unit) {
        if (quantity > 0) {
            context.usage().record(meter, quantity, unit);
        }
    }
}
