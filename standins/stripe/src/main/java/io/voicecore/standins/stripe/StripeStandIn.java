package io.voicecore.standins.stripe;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * A local stand-in for the part of Stripe's REST API the marketplace uses, speaking Stripe's wire format so that
 * the official stripe-java client works against it unchanged: form-encoded requests in Stripe's bracket notation,
 * {@code Authorization: Bearer sk_test_…}, Stripe's JSON objects and error bodies, idempotency keys, signed
 * webhooks. Everything is kept in memory; every operation is atomic (one at a time).
 *
 * <p>Point stripe-java 31 at it with
 * {@code StripeClient.builder().setApiKey(key).setApiBase(standIn.baseUrl()).build()} (or, globally,
 * {@code Stripe.overrideApiBase(standIn.baseUrl())}).
 *
 * <p>API endpoints (see docs/stand-ins.md for what each does and refuses): customers (create, retrieve), payment
 * methods (retrieve, attach; test tokens such as {@code pm_card_visa} and {@code pm_card_chargeDeclined}), payment
 * intents (create, retrieve, confirm), charges, balance transactions (Stripe's card fee, 2.9 % + 30), refunds,
 * disputes (retrieve), events (retrieve), Connect accounts, transfers and transfer reversals.
 *
 * <p>Control endpoints, which need no key (keep the stand-in on the loopback address):
 * <ul>
 *   <li>{@code POST /standin/faults} — adds a {@link Fault}: the next requests to a path fail with a status or
 *       hang.</li>
 *   <li>{@code POST /standin/disputes} — {@code {"charge": "ch_…", "reason": "fraudulent"}} disputes a charge
 *       ({@code charge.dispute.created}).</li>
 *   <li>{@code GET /standin/requests} — every API request received, oldest first (see {@link RecordedRequest}).</li>
 *   <li>{@code GET /standin/events} — every event, oldest first; {@code GET /standin/webhooks} — how their
 *       deliveries went (see {@link WebhookDelivery}).</li>
 *   <li>{@code POST /standin/reset} — forgets every object, key, event, fault and logged request.</li>
 * </ul>
 */
public final class StripeStandIn implements AutoCloseable {
    /** The port {@code main} listens on when none is given. */
    public static final int DEFAULT_PORT = 4020;

    private static final Logger LOG = Logger.getLogger(StripeStandIn.class.getName());
    private static final HeaderName IDEMPOTENCY_KEY = HeaderNames.create("Idempotency-Key");
    private static final HeaderName STRIPE_VERSION = HeaderNames.create("Stripe-Version");
    private static final HeaderName STRIPE_ACCOUNT = HeaderNames.create("Stripe-Account");

    private final StripeStandInSettings settings;
    private final Store store = new Store();
    private final IdempotencyKeys idempotencyKeys;
    private final Faults faults = new Faults();
    private final Optional<WebhookSender> webhooks;
    private final Disputes disputes;
    private final Routes routes;
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final AtomicLong sequence = new AtomicLong();
    private final WebServer server;

    private StripeStandIn(int port, StripeStandInSettings settings) {
        this.settings = settings;
        this.idempotencyKeys = new IdempotencyKeys(settings.idempotencyWindow());
        this.webhooks = settings.webhookUrl().map(url -> new WebhookSender(url, settings.webhookSecret(),
                                                                           settings.clock(), settings.webhookAttempts(),
                                                                           settings.webhookRetryDelay()));
        Events events = new Events(store, webhooks.isPresent());
        BalanceTransactions ledger = new BalanceTransactions(store);
        Customers customers = new Customers(store);
        this.disputes = new Disputes(store, ledger, events);
        PaymentIntents intents = new PaymentIntents(store, customers, ledger, disputes, events);
        Refunds refunds = new Refunds(store, ledger, events);
        Connect connect = new Connect(store, ledger, events);
        this.routes = new Routes()
                .post("/v1/customers", (params, ids, call) -> customers.create(params, call))
                .get("/v1/customers/{id}", Set.of(), (params, ids, call) -> customers.retrieve(ids.get(0)))
                .get("/v1/payment_methods/{id}", Set.of(),
                     (params, ids, call) -> customers.retrievePaymentMethod(ids.get(0), call))
                .post("/v1/payment_methods/{id}/attach",
                      (params, ids, call) -> customers.attach(ids.get(0), params, call))
                .post("/v1/payment_intents", (params, ids, call) -> intents.create(params, call))
                .get("/v1/payment_intents/{id}", Set.of("client_secret"),
                     (params, ids, call) -> intents.retrieve(ids.get(0)))
                .post("/v1/payment_intents/{id}/confirm",
                      (params, ids, call) -> intents.confirm(ids.get(0), params, call))
                .get("/v1/charges/{id}", Set.of(), (params, ids, call) -> intents.retrieveCharge(ids.get(0)))
                .get("/v1/balance_transactions/{id}", Set.of(), (params, ids, call) -> ledger.retrieve(ids.get(0)))
                .post("/v1/refunds", (params, ids, call) -> refunds.create(params, call))
                .get("/v1/refunds/{id}", Set.of(), (params, ids, call) -> refunds.retrieve(ids.get(0)))
                .get("/v1/disputes/{id}", Set.of(), (params, ids, call) -> disputes.retrieve(ids.get(0)))
                .get("/v1/events/{id}", Set.of(),
                     (params, ids, call) -> store.require(ids.get(0), "event", "event", "id", 404).deepCopy())
                .post("/v1/accounts", (params, ids, call) -> connect.createAccount(params, call))
                .get("/v1/accounts/{id}", Set.of(), (params, ids, call) -> connect.retrieveAccount(ids.get(0)))
                .post("/v1/transfers", (params, ids, call) -> connect.createTransfer(params, call))
                .get("/v1/transfers/{id}", Set.of(), (params, ids, call) -> connect.retrieveTransfer(ids.get(0)))
                .post("/v1/transfers/{id}/reversals", (params, ids, call) -> connect.reverse(ids.get(0), params, call))
                .get("/v1/transfers/{id}/reversals/{reversal}", Set.of(),
                     (params, ids, call) -> connect.retrieveReversal(ids.get(0), ids.get(1)));
        HttpRouting.Builder routing = HttpRouting.builder()
                .post("/standin/faults", this::addFault)
                .post("/standin/disputes", this::openDispute)
                .get("/standin/requests", (req, res) -> sendJson(res, 200, requestsJson()))
                .get("/standin/events", (req, res) -> sendJson(res, 200, Json.MAPPER.valueToTree(events())))
                .get("/standin/webhooks", (req, res) -> sendJson(res, 200, deliveriesJson()))
                .post("/standin/reset", (req, res) -> {
                    reset();
                    res.status(Status.NO_CONTENT_204).send();
                })
                .any(this::api);
        // stripe-java sends list parameters of a GET unencoded (?expand[0]=latest_charge), as Stripe accepts them:
        // Helidon's strict request-line check would refuse the brackets with an empty 400.
        this.server = WebServer.builder().host(settings.host()).port(port).shutdownHook(false)
                .addProtocol(Http1Config.builder().validatePrologue(false).build()).routing(routing).build().start();
    }

    /**
     * Starts a stand-in.
     *
     * @param port     the port, 0 for a free one
     * @param settings keys, webhook, clock, … ({@link StripeStandInSettings#defaults()} for the usual)
     * @return the running stand-in
     */
    public static StripeStandIn start(int port, StripeStandInSettings settings) {
        return new StripeStandIn(port, settings);
    }

    /** @return the port it listens on */
    public int port() {
        return server.port();
    }

    /** @return the API base to give stripe-java, e.g. {@code http://127.0.0.1:4020} (no {@code /v1}: the client adds it) */
    public String baseUrl() {
        String host = settings.host();
        boolean wildcard = host.equals("0.0.0.0") || host.equals("::");
        return "http://" + (wildcard ? "127.0.0.1" : host.contains(":") ? "[" + host + "]" : host) + ":" + port();
    }

    /** Adds a scripted fault (as {@code POST /standin/faults} does); faults apply in the order added. */
    public void fault(Fault fault) {
        faults.add(fault);
    }

    /** Drops the scripted faults no request has met yet. */
    public void clearFaults() {
        faults.clear();
    }

    /**
     * Disputes a successful charge (as {@code POST /standin/disputes} does): a {@code dp_…} dispute, the amount and
     * the dispute fee taken from the balance, and the event {@code charge.dispute.created}.
     *
     * @param reason one of Stripe's dispute reasons, e.g. {@code fraudulent} or {@code product_not_received}
     * @return the dispute
     * @throws IllegalArgumentException when there is no such charge or it cannot be disputed
     */
    public JsonNode dispute(String chargeId, String reason) {
        try {
            return openDispute(chargeId, reason);
        } catch (ApiError refused) {
            throw new IllegalArgumentException(refused.getMessage(), refused);
        }
    }

    private ObjectNode openDispute(String chargeId, String reason) {
        Call call = new Call(null, Optional.empty(), settings.clock().instant().getEpochSecond());
        ObjectNode dispute;
        synchronized (store) {
            dispute = disputes.open(chargeId, reason, call).deepCopy();
        }
        deliver(call.emitted());
        return dispute;
    }

    /** @return every API request received since the start or the last reset, oldest first */
    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    /** @return every event since the start or the last reset, oldest first, as Stripe Event JSON */
    public List<JsonNode> events() {
        synchronized (store) {
            return store.events().stream().map(event -> (JsonNode) event.deepCopy()).toList();
        }
    }

    /** @return how the delivery of each event to the webhook went, oldest first (empty without a webhook) */
    public List<WebhookDelivery> deliveries() {
        return webhooks.map(WebhookSender::deliveries).orElse(List.of());
    }

    /** Forgets every object, idempotency key, event, delivery, fault and logged request. */
    public void reset() {
        synchronized (store) {
            store.clear();
        }
        idempotencyKeys.clear();
        faults.clear();
        requests.clear();
        sequence.set(0);
        webhooks.ifPresent(WebhookSender::forget);
    }

    @Override
    public void close() {
        server.stop();
        webhooks.ifPresent(WebhookSender::close);
    }

    /** What one API request gets, and what the request log and the webhook need to know about it. */
    private record Answer(int status, ObjectNode body, JsonNode params, Optional<String> replayOf,
                          Optional<Fault> fault, List<ObjectNode> events) {
        static Answer refusal(ApiError error, JsonNode params, Optional<Fault> fault) {
            return new Answer(error.status(), error.body(), params, Optional.empty(), fault, List.of());
        }
    }

    private void api(ServerRequest req, ServerResponse res) throws Exception {
        long number = sequence.incrementAndGet();
        Instant receivedAt = settings.clock().instant();
        String method = req.prologue().method().text();
        String path = req.path().path();
        String requestId = Ids.requestId();
        Optional<String> key = req.headers().first(IDEMPOTENCY_KEY).map(String::strip).filter(k -> !k.isEmpty());
        String encoded = req.content().hasEntity() ? req.content().as(String.class) : req.query().rawValue();
        Optional<ApiError> unauthorized = authenticate(req);
        Answer answer = unauthorized.map(refused -> Answer.refusal(refused, NullNode.getInstance(), Optional.empty()))
                .orElseGet(() -> answer(req, method, path, encoded, key, requestId, receivedAt));

        boolean replayed = answer.replayOf().isPresent();
        Optional<String> objectId = answer.status() < 300 && answer.body().path("id").isTextual()
                                    ? Optional.of(answer.body().path("id").asText()) : Optional.empty();
        requests.add(new RecordedRequest(number, receivedAt, requestId, method, path, unauthorized.isEmpty(),
                                         method.equals("POST") ? key : Optional.empty(), replayed, answer.params(),
                                         answer.status(), objectId, answer.fault().map(Fault::describe)));
        deliver(answer.events());

        Optional<Duration> hang = answer.fault().flatMap(Fault::hang);
        if (hang.isPresent()) {
            try {
                Thread.sleep(hang.get().toMillis());
            } catch (InterruptedException stopping) {
                // The stand-in is closing: the caller has gone or will see the connection drop.
                Thread.currentThread().interrupt();
                return;
            }
        }
        res.status(Status.create(answer.status()));
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.header("Request-Id", requestId);
        res.header("Stripe-Version", req.headers().first(STRIPE_VERSION).orElse(Events.API_VERSION));
        if (method.equals("POST")) {
            key.ifPresent(value -> res.header("Idempotency-Key", value));
        }
        answer.replayOf().ifPresent(original -> {
            res.header("Idempotent-Replayed", "true");
            res.header("Original-Request", original);
        });
        if (answer.status() == 409) {
            res.header("Stripe-Should-Retry", "true");
        }
        try {
            res.send(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(answer.body()));
        } catch (RuntimeException gone) {
            // After a hang the caller has usually given up and closed the connection: nothing left to tell it.
            LOG.log(Level.FINE, "could not send the answer to " + method + " " + path, gone);
        }
    }

    private Answer answer(ServerRequest req, String method, String path, String encoded, Optional<String> key,
                          String requestId, Instant now) {
        Optional<Fault> fault = faults.take(method, path);
        if (fault.isPresent() && fault.get().status().isPresent()) {
            return Answer.refusal(scripted(fault.get().status()), NullNode.getInstance(), fault);
        }
        Params params;
        try {
            params = Params.parse(encoded);
        } catch (ApiError refused) {
            return Answer.refusal(refused, NullNode.getInstance(), fault);
        }
        ObjectNode tree = params.tree();
        Optional<Routes.Match> match = routes.find(method, path);
        if (match.isEmpty()) {
            return Answer.refusal(ApiError.noRoute(method, path), tree, fault);
        }
        if (req.headers().first(STRIPE_ACCOUNT).isPresent()) {
            return Answer.refusal(ApiError.invalid("The Stripe stand-in does not implement requests made on behalf of a"
                                                   + " connected account (Stripe-Account header).", null), tree, fault);
        }
        Optional<String> idempotent = method.equals("POST") ? key : Optional.empty();
        if (idempotent.isPresent()) {
            try {
                Optional<IdempotencyKeys.Saved> earlier = idempotencyKeys.begin(idempotent.get(), method, path, tree,
                                                                                now);
                if (earlier.isPresent()) {
                    IdempotencyKeys.Saved saved = earlier.get();
                    return new Answer(saved.status(), saved.body().deepCopy(), tree, Optional.of(saved.requestId()),
                                      fault, List.of());
                }
            } catch (ApiError refused) {
                return Answer.refusal(refused, tree, fault);
            }
        }

        Call call = new Call(requestId, idempotent, now.getEpochSecond());
        int status = 500;
        ObjectNode body = null;
        try {
            try {
                synchronized (store) {
                    ObjectNode result = match.get().route().handler().handle(params, match.get().ids(), call);
                    body = Expansion.apply(store, result, params.expand());
                }
                status = 200;
            } catch (ApiError refused) {
                status = refused.status();
                body = refused.body();
            } catch (RuntimeException bug) {
                LOG.log(Level.SEVERE, "the Stripe stand-in failed on " + method + " " + path, bug);
                ApiError failed = ApiError.server(500, "The Stripe stand-in failed on this request: " + bug);
                status = failed.status();
                body = failed.body();
            }
        } finally {
            if (idempotent.isPresent()) {
                // As with Stripe, only an answer from an endpoint that started executing is kept: successes and
                // declines. The key is released whatever happened, so that a retry is never refused for ever.
                boolean keep = body != null && (status < 300 || status == 402);
                idempotencyKeys.finish(idempotent.get(), keep
                        ? Optional.of(new IdempotencyKeys.Saved(method, path, tree, status, body.deepCopy(), requestId,
                                                                now))
                        : Optional.empty());
            }
        }
        return new Answer(status, body, tree, Optional.empty(), fault, call.emitted());
    }

    private static ApiError scripted(OptionalInt status) {
        int code = status.orElseThrow();
        if (code == 429) {
            return ApiError.rateLimited("Request rate limit exceeded. You can learn more about rate limits here"
                                        + " https://stripe.com/docs/rate-limits. (Scripted by the Stripe stand-in.)");
        }
        if (code >= 500) {
            return ApiError.server(code, "An unknown error occurred on Stripe's side. (Scripted by the Stripe"
                                         + " stand-in.)");
        }
        return ApiError.status(code, "The request was refused with " + code + ". (Scripted by the Stripe stand-in.)");
    }

    /** @return why the request's key is refused, or empty when it carries an accepted one */
    private Optional<ApiError> authenticate(ServerRequest req) {
        Optional<String> header = req.headers().first(HeaderNames.AUTHORIZATION).map(String::strip);
        Optional<String> presented = header.flatMap(StripeStandIn::presentedKey);
        if (presented.isEmpty() || presented.get().isEmpty()) {
            return Optional.of(ApiError.unauthorized(
                    "You did not provide an API key. You need to provide your API key in the Authorization header,"
                    + " using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See"
                    + " https://stripe.com/docs/api#authentication for details, or we can help at"
                    + " https://support.stripe.com/."));
        }
        if (!settings.keys().contains(presented.get())) {
            return Optional.of(ApiError.unauthorized("Invalid API Key provided: " + masked(presented.get())));
        }
        return Optional.empty();
    }

    /** Stripe takes the key as a bearer token or as the user name of basic authentication ({@code curl -u key:}). */
    private static Optional<String> presentedKey(String header) {
        if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.of(header.substring(7).strip());
        }
        if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded = new String(Base64.getDecoder().decode(header.substring(6).strip()),
                                            StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                return Optional.of(colon < 0 ? decoded : decoded.substring(0, colon));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** {@code sk_test_abcdefgh1234} → {@code sk_test_********1234}, as Stripe shows a refused key. */
    private static String masked(String key) {
        int prefix = key.indexOf('_', key.indexOf('_') + 1) + 1;
        if (prefix <= 0 || key.length() - prefix <= 4) {
            return "*".repeat(key.length());
        }
        return key.substring(0, prefix) + "*".repeat(key.length() - prefix - 4) + key.substring(key.length() - 4);
    }

    private void deliver(List<ObjectNode> emitted) {
        webhooks.ifPresent(sender -> emitted.forEach(sender::deliver));
    }

    private void addFault(ServerRequest req, ServerResponse res) throws Exception {
        Fault fault;
        try {
            JsonNode body = Json.MAPPER.readTree(req.content().as(String.class));
            if (body == null || !body.isObject()) {
                throw new IllegalArgumentException("send one fault as a JSON object, e.g. {\"method\": \"POST\","
                                                   + " \"path\": \"/v1/payment_intents\", \"times\": 2, \"status\": 500}");
            }
            fault = new Fault(optionalText(body, "method"), body.path("path").asText(null), body.path("times").asInt(1),
                              body.hasNonNull("status") ? OptionalInt.of(body.path("status").asInt())
                                                        : OptionalInt.empty(),
                              body.hasNonNull("hangMillis") ? Optional.of(Duration.ofMillis(body.path("hangMillis")
                                                                                                .asLong()))
                                                            : Optional.empty());
        } catch (JsonProcessingException | IllegalArgumentException e) {
            sendJson(res, 400, ApiError.invalid(e.getMessage(), null).body());
            return;
        }
        fault(fault);
        ObjectNode answer = Json.object();
        answer.put("pending", faults.remaining());
        sendJson(res, 200, answer);
    }

    private void openDispute(ServerRequest req, ServerResponse res) throws Exception {
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(req.content().as(String.class));
        } catch (JsonProcessingException e) {
            body = null;
        }
        if (body == null || !body.path("charge").isTextual()) {
            sendJson(res, 400, ApiError.invalid("send {\"charge\": \"ch_…\", \"reason\": \"fraudulent\"} (reason is"
                                                + " optional)", "charge").body());
            return;
        }
        try {
            sendJson(res, 200, openDispute(body.path("charge").asText(), body.path("reason").asText("fraudulent")));
        } catch (ApiError refused) {
            sendJson(res, refused.status(), refused.body());
        }
    }

    private ArrayNode requestsJson() {
        ArrayNode list = Json.array();
        requests.forEach(request -> list.add(request.toJson()));
        return list;
    }

    private ArrayNode deliveriesJson() {
        ArrayNode list = Json.array();
        deliveries().forEach(delivery -> list.add(delivery.toJson()));
        return list;
    }

    private static Optional<String> optionalText(JsonNode node, String field) {
        return node.hasNonNull(field) ? Optional.of(node.path(field).asText()) : Optional.empty();
    }

    private static void sendJson(ServerResponse res, int status, JsonNode body) throws JsonProcessingException {
        res.status(Status.create(status)).header(HeaderNames.CONTENT_TYPE, "application/json")
                .send(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(body));
    }

    /**
     * Starts a stand-in and keeps it running until the process is stopped.
     *
     * @param args {@code --port N} (default {@value #DEFAULT_PORT}), {@code --host H} (default 127.0.0.1),
     *             {@code --key sk_test_…} (repeatable; default {@value StripeStandInSettings#DEFAULT_KEY}),
     *             {@code --webhook URL}, {@code --webhook-secret whsec_…} (default
     *             {@value StripeStandInSettings#DEFAULT_WEBHOOK_SECRET})
     */
    public static void main(String[] args) throws InterruptedException {
        String usage = "usage: --port N --host H --key sk_test_... (repeatable) --webhook URL --webhook-secret whsec_...";
        int port = DEFAULT_PORT;
        StripeStandInSettings settings = StripeStandInSettings.defaults();
        Set<String> keys = new LinkedHashSet<>();
        Optional<URI> webhook = Optional.empty();
        String secret = StripeStandInSettings.DEFAULT_WEBHOOK_SECRET;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(option + " needs a value; " + usage);
            }
            String value = args[++i];
            switch (option) {
                case "--port" -> port = Integer.parseInt(value);
                case "--host" -> settings = settings.withHost(value);
                case "--key" -> keys.add(value);
                case "--webhook" -> webhook = Optional.of(URI.create(value));
                case "--webhook-secret" -> secret = value;
                default -> throw new IllegalArgumentException("unknown option " + option + "; " + usage);
            }
        }
        if (!keys.isEmpty()) {
            settings = settings.withKeys(keys.toArray(String[]::new));
        }
        if (webhook.isPresent()) {
            settings = settings.withWebhook(webhook.get(), secret);
        }
        StripeStandIn standIn = start(port, settings);
        Runtime.getRuntime().addShutdownHook(new Thread(standIn::close));
        List<String> described = new ArrayList<>();
        described.add("Stripe stand-in listening on " + standIn.baseUrl() + " accepting " + settings.keys().size()
                      + " key(s)");
        webhook.ifPresent(url -> described.add("posting events to " + url + " signed with the secret given"
                                               + " (--webhook-secret, default "
                                               + StripeStandInSettings.DEFAULT_WEBHOOK_SECRET + ")"));
        LOG.info(String.join("; ", described));
        Thread.currentThread().join();
    }
}
