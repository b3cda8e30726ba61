package io.voicecore.standins.stripe;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** The Stripe endpoints the stand-in implements, by method and path template ({@code /v1/customers/{id}}). */
final class Routes {
    /** Answers one request: the parameters, the ids taken from the path, the call. */
    @FunctionalInterface
    interface Handler {
        ObjectNode handle(Params params, List<String> ids, Call call);
    }

    record Route(String method, Pattern pattern, Handler handler) {
    }

    record Match(Route route, List<String> ids) {
    }

    private final List<Route> routes = new ArrayList<>();

    Routes post(String template, Handler handler) {
        routes.add(new Route("POST", compile(template), handler));
        return this;
    }

    /** A retrieval: takes {@code expand} and the listed parameters in the query, refuses others as Stripe does. */
    Routes get(String template, Set<String> accepted, Handler handler) {
        routes.add(new Route("GET", compile(template), (params, ids, call) -> {
            params.refuseUnknown(accepted);
            return handler.handle(params, ids, call);
        }));
        return this;
    }

    Optional<Match> find(String method, String path) {
        for (Route route : routes) {
            Matcher matcher = route.pattern().matcher(path);
            if (route.method().equals(method) && matcher.matches()) {
                List<String> ids = new ArrayList<>();
                for (int group = 1; group <= matcher.groupCount(); group++) {
                    ids.add(matcher.group(group));
                }
                return Optional.of(new Match(route, ids));
            }
        }
        return Optional.empty();
    }

    private static Pattern compile(String template) {
        return Pattern.compile(template.replaceAll("\\{[a-z]+}", "([A-Za-z0-9_]+)"));
    }
}
