package io.voicecore.sdk.json;

import java.util.Map;

/** Compact JSON output for {@link Json#toString()}. */
final class JsonWriter {
    private JsonWriter() {
    }

    static String write(Json value) {
        StringBuilder out = new StringBuilder();
        write(value, out);
        return out.toString();
    }

    private static void write(Json value, StringBuilder out) {
        switch (value) {
            case Json.Obj obj -> {
                out.append('{');
                boolean first = true;
                for (Map.Entry<String, Json> member : obj.members().entrySet()) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    string(member.getKey(), out);
                    out.append(':');
                    write(member.getValue(), out);
                }
                out.append('}');
            }
            case Json.Arr arr -> {
                out.append('[');
                for (int i = 0; i < arr.items().size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    write(arr.items().get(i), out);
                }
                out.append(']');
            }
            case Json.Str s -> string(s.value(), out);
            case Json.Num n -> out.append(n.value().toString());
            case Json.Bool b -> out.append(b.value());
            case Json.Null n -> out.append("null");
        }
    }

    private static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
