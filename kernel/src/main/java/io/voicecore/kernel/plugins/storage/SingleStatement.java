package io.voicecore.kernel.plugins.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * Finds a statement separator in SQL: a {@code ;} outside string literals ({@code '...'}, {@code E'...'},
 * dollar quotes {@code $tag$...$tag$}), quoted identifiers ({@code "..."}) and comments ({@code --},
 * nested {@code /* *}{@code /}). Plugin storage runs exactly one statement per call, so a plugin cannot
 * smuggle a second statement in behind a value that was concatenated into its SQL.
 */
final class SingleStatement {

    private SingleStatement() {
    }

    /** @throws IllegalArgumentException when the SQL contains a separator, saying where */
    static void require(String sql) {
        if (sql == null || sql.isBlank()) {
            throw new IllegalArgumentException("the SQL is empty; pass one SQL statement");
        }
        OptionalInt separator = separator(sql);
        if (separator.isPresent()) {
            throw new IllegalArgumentException("Storage runs one SQL statement per call, but this SQL has a ';' at character "
                                               + (separator.getAsInt() + 1) + " outside any string literal or comment. "
                                               + "Run each statement in its own call (inside storage.transaction(...) to make "
                                               + "them atomic) and leave out a trailing ';'.");
        }
    }

    /**
     * Refuses the statements that could end a storage call's transaction by rolling it back: a call's tenant binding is
     * written in that transaction ({@link CallConnection}), and a rollback that kept the call's session going would run
     * its next statements under the binding the connection had before. {@code ROLLBACK TO SAVEPOINT} stays allowed (a
     * savepoint is always set after the binding), as do {@code BEGIN} and {@code COMMIT}; {@code CALL} and {@code DO}
     * are refused because a procedure or block can roll back inside.
     *
     * @throws IllegalArgumentException naming the statement and what to do instead
     */
    static void requireNoTransactionEnd(String sql) {
        List<String> words = leadingWords(sql, 4);
        if (words.isEmpty()) {
            return;
        }
        String first = words.getFirst();
        boolean rollback = first.equals("rollback") && !(words.contains("to"));
        if (rollback || first.equals("abort") || first.equals("call") || first.equals("do")) {
            throw new IllegalArgumentException("Storage does not run " + first.toUpperCase(Locale.ROOT)
                                               + " statements: end a transaction by returning from storage.transaction(...) "
                                               + "or throwing from it (which rolls it back), and run a procedure's or DO "
                                               + "block's statements through storage directly");
        }
    }

    /** The first words of the SQL, lower case, past whitespace and comments. */
    static List<String> leadingWords(String sql, int max) {
        List<String> words = new ArrayList<>();
        int n = sql.length();
        int i = 0;
        while (i < n && words.size() < max) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int newline = sql.indexOf('\n', i);
                i = newline < 0 ? n : newline + 1;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                i = endOfBlockComment(sql, i);
            } else if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < n && identifierPart(sql.charAt(i))) {
                    i++;
                }
                words.add(sql.substring(start, i).toLowerCase(Locale.ROOT));
            } else {
                break;
            }
        }
        return words;
    }

    /** The index of the first {@code ;} that separates statements, if any. */
    static OptionalInt separator(String sql) {
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'') {
                boolean escapes = i > 0 && (sql.charAt(i - 1) == 'E' || sql.charAt(i - 1) == 'e')
                                  && (i < 2 || !identifierPart(sql.charAt(i - 2)));
                i = endOfQuoted(sql, i, '\'', escapes);
            } else if (c == '"') {
                i = endOfQuoted(sql, i, '"', false);
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int newline = sql.indexOf('\n', i);
                i = newline < 0 ? n : newline + 1;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                i = endOfBlockComment(sql, i);
            } else if (c == '$' && (i == 0 || !identifierPart(sql.charAt(i - 1)))) {
                i = endOfDollarQuote(sql, i);
            } else if (c == ';') {
                return OptionalInt.of(i);
            } else {
                i++;
            }
        }
        return OptionalInt.empty();
    }

    /** Index after the closing quote; a doubled quote stands for itself, a backslash escapes in {@code E'...'}. */
    private static int endOfQuoted(String sql, int open, char quote, boolean backslashEscapes) {
        int i = open + 1;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (backslashEscapes && c == '\\') {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return sql.length();
    }

    private static int endOfBlockComment(String sql, int open) {
        int depth = 0;
        int i = open;
        while (i < sql.length()) {
            if (sql.startsWith("/*", i)) {
                depth++;
                i += 2;
            } else if (sql.startsWith("*/", i)) {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return sql.length();
    }

    /** A {@code $tag$} (or {@code $$}) opens a dollar-quoted string up to the same tag; {@code $1} is a parameter. */
    private static int endOfDollarQuote(String sql, int open) {
        int i = open + 1;
        if (i < sql.length() && Character.isDigit(sql.charAt(i))) {
            return i;
        }
        while (i < sql.length() && identifierPart(sql.charAt(i)) && sql.charAt(i) != '$') {
            i++;
        }
        if (i >= sql.length() || sql.charAt(i) != '$') {
            return open + 1;
        }
        String tag = sql.substring(open, i + 1);
        int close = sql.indexOf(tag, i + 1);
        return close < 0 ? sql.length() : close + tag.length();
    }

    private static boolean identifierPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }
}
