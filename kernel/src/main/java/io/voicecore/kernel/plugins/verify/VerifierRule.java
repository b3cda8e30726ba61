package io.voicecore.kernel.plugins.verify;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One line of the verifier's rule table ({@link VerifierRules#RULES}): what plugin bytecode may not
 * reference, and why.
 *
 * @param category the category, which starts the reason
 * @param target   what is refused, see {@link Target}
 * @param note     why, in one sentence the plugin author can act on
 */
public record VerifierRule(Category category, Target target, String note) {

    /** @return the reason a violation of this rule carries: the category's label, a colon, the note */
    public String reason() {
        return category.label() + ": " + note;
    }

    /**
     * What a rule refuses, written in JVM internal names with globs ({@code *} within one package
     * segment or member signature, {@code **} across packages):
     * <ul>
     *   <li>{@code java/io/File}, {@code java/nio/file/**}: any reference to the type(s), whether as a type,
     *       as the owner of a called method or accessed field, as a class literal, or as a superclass or
     *       interface;</li>
     *   <li>{@code java/lang/System#exit*}: calls, field accesses and method handles whose owner matches and
     *       whose name followed by the descriptor (e.g. {@code exit(I)V}) matches;</li>
     *   <li>{@code extends java/lang/Thread}: declaring a class that extends or implements the type;</li>
     *   <li>{@code declares finalize()V}: declaring a method whose name and descriptor match;</li>
     *   <li>{@code native method}: declaring a method with {@code ACC_NATIVE}.</li>
     * </ul>
     *
     * @param text   the target as written in the table
     * @param kind   which of the forms above
     * @param owner  the type glob as a regular expression (empty for {@code native method})
     * @param member the member glob as a regular expression, for {@link Kind#MEMBER} and {@link Kind#DECLARES}
     */
    public record Target(String text, Kind kind, Optional<Pattern> owner, Optional<Pattern> member) {

        /** The forms of a target. */
        public enum Kind {
            TYPE, MEMBER, SUBTYPE, DECLARES, NATIVE_METHOD
        }

        /** @param text a target in the syntax above @return the parsed target */
        public static Target of(String text) {
            if (text.equals("native method")) {
                return new Target(text, Kind.NATIVE_METHOD, Optional.empty(), Optional.empty());
            }
            if (text.startsWith("declares ")) {
                return new Target(text, Kind.DECLARES, Optional.empty(), Optional.of(glob(text.substring(9), ".*")));
            }
            if (text.startsWith("extends ")) {
                return new Target(text, Kind.SUBTYPE, Optional.of(glob(text.substring(8), "[^/]*")), Optional.empty());
            }
            int hash = text.indexOf('#');
            if (hash > 0) {
                return new Target(text, Kind.MEMBER, Optional.of(glob(text.substring(0, hash), "[^/]*")),
                                  Optional.of(glob(text.substring(hash + 1), ".*")));
            }
            return new Target(text, Kind.TYPE, Optional.of(glob(text, "[^/]*")), Optional.empty());
        }

        /** Whether a reference to the type itself (not one of its members) is refused. */
        boolean refusesType(String type) {
            return kind == Kind.TYPE && owner.orElseThrow().matcher(type).matches();
        }

        /** Whether declaring a class that extends or implements the type is refused. */
        boolean refusesSubtype(String type) {
            return (kind == Kind.TYPE || kind == Kind.SUBTYPE) && owner.orElseThrow().matcher(type).matches();
        }

        /** Whether referencing the member (name plus descriptor for a method, name for a field) of the owner is refused. */
        boolean refusesMember(String ownerType, String signature) {
            return switch (kind) {
                case TYPE -> owner.orElseThrow().matcher(ownerType).matches();
                case MEMBER -> owner.orElseThrow().matcher(ownerType).matches() && member.orElseThrow().matcher(signature).matches();
                default -> false;
            };
        }

        /** Whether declaring a method with this name and descriptor in a plugin class is refused. */
        boolean refusesDeclaring(String signature) {
            return kind == Kind.DECLARES && member.orElseThrow().matcher(signature).matches();
        }

        private static Pattern glob(String glob, String star) {
            StringBuilder regex = new StringBuilder();
            StringBuilder literal = new StringBuilder();
            for (int i = 0; i < glob.length(); i++) {
                char c = glob.charAt(i);
                if (c != '*') {
                    literal.append(c);
                    continue;
                }
                if (!literal.isEmpty()) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                    regex.append(".*");
                    i++;
                } else {
                    regex.append(star);
                }
            }
            if (!literal.isEmpty()) {
                regex.append(Pattern.quote(literal.toString()));
            }
            return Pattern.compile(regex.toString());
        }
    }
}
