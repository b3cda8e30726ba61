package io.voicecore.kernel.plugins.usage;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.voicecore.kernel.access.Role;
import io.voicecore.kernel.http.Access;
import io.voicecore.kernel.http.ApiException;
import io.voicecore.kernel.http.ApiReply;
import io.voicecore.kernel.http.ApiRequest;
import io.voicecore.kernel.http.ApiRoutes;
import io.voicecore.kernel.tenancy.Tenant;
import io.voicecore.kernel.tenancy.TenantResolver;

/**
 * A tenant's billable usage: {@code GET /api/v1/tenants/{tenant}/usage?from=&to=} answers the totals per
 * plugin, meter and unit for tenant admins and platform admins. {@code from} (inclusive) defaults to the
 * start of the current month (UTC), {@code to} (exclusive) to now.
 */
public final class UsageRoutes {
    private final UsageMeter usage;
    private final TenantResolver resolver;
    private final Clock clock;

    public UsageRoutes(UsageMeter usage, TenantResolver resolver, Clock clock) {
        this.usage = usage;
        this.resolver = resolver;
        this.clock = clock;
    }

    public void register(ApiRoutes routes) {
        routes.get("/api/v1/tenants/{tenant}/usage", Access.AUTHENTICATED, this::totals);
    }

    private ApiReply totals(ApiRequest request) {
        Tenant tenant = resolver.resolve(request, Role.TENANT_ADMIN);
        Instant now = clock.instant();
        Instant from = instant(request, "from").orElseGet(() -> now.atOffset(ZoneOffset.UTC)
                .with(TemporalAdjusters.firstDayOfMonth()).truncatedTo(ChronoUnit.DAYS).toInstant());
        Instant to = instant(request, "to").orElse(now);
        if (!from.isBefore(to)) {
            throw new ApiException.BadRequest("Query parameter 'from' (" + from + ") must be before 'to' (" + to
                                              + "); 'from' is inclusive and 'to' exclusive.");
        }
        List<Map<String, Object>> totals = usage.totals(tenant.id(), from, to).stream().map(UsageRoutes::view).toList();
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("tenantId", tenant.id());
        reply.put("from", from);
        reply.put("to", to);
        reply.put("totals", totals);
        return ApiReply.ok(reply);
    }

    private static Map<String, Object> view(UsageMeter.Total total) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("plugin", total.pluginId());
        v.put("meter", total.meter());
        v.put("unit", total.unit());
        v.put("quantity", total.quantity());
        v.put("records", total.records());
        return v;
    }

    private static Optional<Instant> instant(ApiRequest request, String name) {
        return request.query(name).map(text -> {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                throw new ApiException.BadRequest("Query parameter '" + name + "' must be an ISO-8601 instant such as "
                                                  + "'2025-01-31T12:00:00Z', not '" + text + "'.");
            }
        });
    }
}
