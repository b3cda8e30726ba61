package io.voicecore.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Prints measurements as an aligned text table: metric, value, unit, description. */
public final class TablePrinter {
    private TablePrinter() {
    }

    /** @param out where to print @param measurements the rows, in order */
    public static void print(PrintStream out, List<Measurement> measurements) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"metric", "value", "unit", "what"});
        for (Measurement m : measurements) {
            rows.add(new String[] {m.key(), format(m.value()), m.unit(), m.description()});
        }
        int[] widths = new int[4];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (int r = 0; r < rows.size(); r++) {
            String[] row = rows.get(r);
            out.println(String.format(Locale.ROOT, "%-" + widths[0] + "s  %" + widths[1] + "s  %-" + widths[2] + "s  %s",
                                      row[0], row[1], row[2], row[3]).stripTrailing());
            if (r == 0) {
                out.println("-".repeat(widths[0] + widths[1] + widths[2] + widths[3] + 6));
            }
        }
    }

    /** Whole numbers without decimals, others with two. */
    static String format(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? String.format(Locale.ROOT, "%,d", (long) value)
                : String.format(Locale.ROOT, "%,.2f", value);
    }
}
