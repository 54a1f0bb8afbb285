package io.sluice.local.report;

import com.fasterxml.jackson.databind.ObjectMapper;
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
            case csv, json -> whole(r, format, out);
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
        out.printf("(%s, %.3f s)%n", count(r.rows().size(), "row", "rows"), r.seconds());
    }

    /** "1 row", "2 rows": a count with the word in its number. */
    public static String count(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    private static String pad(String s, int width, boolean right) {
        String fill = " ".repeat(Math.max(0, width - s.length()));
        return right ? fill + s : s + fill;
    }

    /** A whole result through the streaming printer: one way to write csv and json, whole or streamed. */
    private static void whole(ReportResult r, Format format, PrintStream out) {
        Closing sink = streaming(format, out);
        try {
            sink.columns(r.columns());
            for (List<Object> row : r.rows()) {
                sink.row(row);
            }
            sink.end();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A sink that writes its closing bytes when the rows end (the JSON array's bracket). */
    public interface Closing extends ReportRunner.Rows {
        void end() throws java.io.IOException;
    }

    /**
     * Prints rows as they come, for csv and json (the same bytes as {@link #print}): a report of any size in
     * constant memory. A table needs every row for its column widths and is printed from a {@link ReportResult}.
     */
    public static Closing streaming(Format format, PrintStream out) {
        if (format == Format.table) {
            throw new IllegalArgumentException("a table is printed whole: it needs every row for its column widths");
        }
        if (format == Format.csv) {
            return new Closing() {
                @Override
                public void columns(List<String> columns) {
                    out.println(String.join(",", columns.stream().map(ReportPrinter::csvField).toList()));
                }

                @Override
                public void row(List<Object> row) {
                    out.println(String.join(",", row.stream().map(v -> csvField(text(v))).toList()));
                }

                @Override
                public void end() {
                    out.flush();
                }
            };
        }
        return new Closing() {
            private List<String> columns;
            private com.fasterxml.jackson.core.JsonGenerator g;

            @Override
            public void columns(List<String> c) throws java.io.IOException {
                columns = c;
                g = JSON.getFactory().createGenerator(out);
                g.writeStartArray();
            }

            @Override
            public void row(List<Object> row) throws java.io.IOException {
                g.writeTree(rowNode(columns, row));
            }

            @Override
            public void end() throws java.io.IOException {
                g.writeEndArray();
                g.flush();
                out.println();
            }
        };
    }

    private static String csvField(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }

    private static ObjectNode rowNode(List<String> columns, List<Object> row) {
        ObjectNode o = JSON.createObjectNode();
        for (int i = 0; i < columns.size(); i++) {
            Object v = row.get(i);
            String c = columns.get(i);
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
        return o;
    }
}
