package io.voicecore.crm;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Lead scoring rules from the plugin configuration {@code leadRules}: comma-separated rules, each
 * {@code <type>=<points>} (every interaction of that type scores the points) or
 * {@code <type>:<keyword>=<points>} (only those whose summary contains the keyword, ignoring case).
 * Types are {@code call}, {@code chat}, {@code email}, {@code note}, or {@code any}. Example:
 * {@code call=10, chat=5, any:price=15, note:not interested=-30}.
 *
 * <p>A score is the sum over interactions of every matching rule's points: a sum, so it does not depend on
 * the order in which interactions are listed.
 */
final class LeadRules {
    static final String DEFAULT = "call=10, chat=5, email=3, note=1";

    /** One rule; {@code keyword} is lower case. */
    record Rule(String type, Optional<String> keyword, long points) {
        boolean matches(String interactionType, String summary) {
            return (type.equals("any") || type.equals(interactionType))
                   && keyword.map(k -> summary.toLowerCase(Locale.ROOT).contains(k)).orElse(true);
        }
    }

    private final List<Rule> rules;

    private LeadRules(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** @return the parsed rules @throws IllegalArgumentException naming the rule that is not of the documented form */
    static LeadRules parse(String text) {
        List<Rule> rules = new ArrayList<>();
        for (String part : text.split(",")) {
            String rule = part.strip();
            if (rule.isEmpty()) {
                continue;
            }
            int equals = rule.lastIndexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("lead rule '" + rule + "' is not <type>=<points> or <type>:<keyword>=<points>");
            }
            String left = rule.substring(0, equals).strip();
            long points;
            try {
                points = Long.parseLong(rule.substring(equals + 1).strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("lead rule '" + rule + "' must end with whole points, e.g. call=10");
            }
            int colon = left.indexOf(':');
            String type = (colon < 0 ? left : left.substring(0, colon)).strip().toLowerCase(Locale.ROOT);
            if (!type.equals("any") && !Interactions.TYPES.contains(type)) {
                throw new IllegalArgumentException("lead rule '" + rule + "' names the type '" + type + "'; use any, call, chat, email or note");
            }
            Optional<String> keyword = colon < 0 ? Optional.empty()
                    : Optional.of(left.substring(colon + 1).strip().toLowerCase(Locale.ROOT)).filter(k -> !k.isEmpty());
            rules.add(new Rule(type, keyword, points));
        }
        return new LeadRules(rules);
    }

    List<Rule> rules() {
        return rules;
    }

    /** @return the score of these interactions */
    long score(List<Interactions.Interaction> interactions) {
        long score = 0;
        for (Interactions.Interaction interaction : interactions) {
            for (Rule rule : rules) {
                if (rule.matches(interaction.type(), interaction.summary())) {
                    score += rule.points();
                }
            }
        }
        return score;
    }
}
