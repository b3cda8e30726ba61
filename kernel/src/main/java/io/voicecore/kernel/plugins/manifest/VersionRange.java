package io.voicecore.kernel.plugins.manifest;

import java.util.regex.Pattern;

import com.github.zafarkhaja.semver.ParseException;
import com.github.zafarkhaja.semver.Version;
import com.github.zafarkhaja.semver.expr.Expression;
import com.github.zafarkhaja.semver.expr.ExpressionParser;

/**
 * A semantic-version range as written in a manifest ({@code kernel}, {@code services.requires[].version}),
 * e.g. {@code >=0.1.0 <1.0.0}.
 *
 * <p>The grammar is the one of {@code com.github.zafarkhaja.semver} (which PF4J uses): comparators
 * {@code = != > >= < <=} with full or partial versions, {@code ~1.2}, {@code ^1.2.0}, {@code 1.x},
 * {@code 1.0.0 - 2.0.0}, {@code &}/{@code &&} (both), {@code |}/{@code ||} (either), {@code !(...)} and
 * parentheses. In addition, comparators separated only by whitespace must all hold, as in npm
 * ({@code >=0.1.0 <1.0.0}); that library does not accept this form, so it is rewritten to {@code &}
 * before parsing. PF4J's {@code DefaultVersionManager.checkVersionConstraint} does not accept it either:
 * use {@link #includes(String)}.
 *
 * @param text the range as written (stripped)
 */
public record VersionRange(String text) {
    /** Whitespace between the end of one comparator and the start of the next one. */
    private static final Pattern IMPLICIT_AND = Pattern.compile("(?<=[0-9A-Za-z*)])\\s+(?=[<>=!~^(0-9*xX])");

    /**
     * Parses and validates a range.
     *
     * @param text the range
     * @return the range
     * @throws IllegalArgumentException saying what is wrong and what is allowed
     */
    public static VersionRange parse(String text) {
        String stripped = text.strip();
        expression(stripped);
        return new VersionRange(stripped);
    }

    /**
     * @param version a semantic version, e.g. {@code 0.4.2}
     * @return whether it lies in this range
     * @throws IllegalArgumentException when {@code version} is not a semantic version
     */
    public boolean includes(String version) {
        Version parsed;
        try {
            parsed = Version.parse(version);
        } catch (ParseException e) {
            throw new IllegalArgumentException("'" + version + "' is not a semantic version such as 1.2.0", e);
        }
        return expression(text).interpret(parsed);
    }

    private static Expression expression(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("is empty; write a version range such as '>=0.1.0 <1.0.0'");
        }
        try {
            return ExpressionParser.newInstance().parse(IMPLICIT_AND.matcher(text).replaceAll(" & "));
        } catch (ParseException | IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a version range; write comparators such as >=, <, ~ or ^"
                                               + " with full versions, separated by spaces when all must hold or by '||'"
                                               + " when either may, e.g. '>=0.1.0 <1.0.0' or '^1.2.0'", e);
        }
    }
}
