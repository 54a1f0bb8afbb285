package io.sluice.local.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.util.List;

/** Writes a report as an aligned table, CSV (RFC 4180) or a JSON array of objects. */
public final class ReportPrinter {
    private static final ObjectMapper JSON = new ObjectMapper();

    public enum Format { table, csv, json }

    private ReportPrinter() {
    }

    public static void print(ReportResult r, Format format, PrintStream out) {
        switch (format) {
            case table -> table(r, out);
            case csv -> csv(r, out);
            case json -> json(r, out);
        }
    }

    private static String text(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Double d) {
            return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        }
        if (v instanceof BigDecimal d) {
            return d.stripTrailingZeros().toPlainString();
        }
        return v.toString();
    }

    private static void table(ReportResult r, PrintStream out) {
        int n = r.columns().size();
        int[] width = new int[n];
        for (int i = 0; i < n; i++) {
            width[i] = r.columns().get(i).length();
        }
        for (List<Object> row : r.rows()) {
            for (int i = 0; i < n; i++) {
                width[i] = Math.max(width[i], text(row.get(i)).length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(pad(r.columns().get(i), width[i], false)).append(i + 1 < n ? "  " : "");
        }
        out.println(b.toString().stripTrailing());
        b.setLength(0);
        for (int i = 0; i < n; i++) {
            b.append("-".repeat(width[i])).append(i + 1 < n ? "  " : "");
        }
        out.println(b);
        for (List<Object> row : r.rows()) {
            b.setLength(0);
            for (int i = 0; i < n; i++) {
                Object v = row.get(i);
                b.append(pad(text(v), width[i], v instanceof Number)).append(i + 1 < n ? "  " : "");
            }
            out.println(b.toString().stripTrailing());
        }
        out.printf("(%d rows, %.3f s)%n", r.rows().size(), r.seconds());
    }

    private static String pad(String s, int width, boolean right) {
        String fill = " ".repeat(Math.max(0, width - s.length()));
        return right ? fill + s : s + fill;
    }

    private static void csv(ReportResult r, PrintStream out) {
        out.println(String.join(",", r.columns().stream().map(ReportPrinter::csvField).toList()));
        for (List<Object> row : r.rows()) {
            out.println(String.join(",", row.stream().map(v -> csvField(text(v))).toList()));
        }
    }

    private static String csvField(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }

    private static void json(ReportResult r, PrintStream out) {
        ArrayNode rows = JSON.createArrayNode();
        for (List<Object> row : r.rows()) {
            ObjectNode o = rows.addObject();
            for (int i = 0; i < r.columns().size(); i++) {
                Object v = row.get(i);
                String c = r.columns().get(i);
                if (v == null) {
                    o.putNull(c);
                } else if (v instanceof Long l) {
                    o.put(c, l);
                } else if (v instanceof Integer x) {
                    o.put(c, x);
                } else if (v instanceof Double d) {
                    o.put(c, d);
                } else if (v instanceof BigDecimal d) {
                    o.put(c, d);
                } else if (v instanceof Boolean bo) {
                    o.put(c, bo);
                } else if (v instanceof java.math.BigInteger bi) {
                    o.put(c, bi);
                } else {
                    o.put(c, v.toString());
                }
            }
        }
        out.println(rows.toString());
    }
}
