package io.sluice.core.cdr;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Splits one already-framed CSV record into fields.
 *
 * <p>Why not a CSV library here: Sluice frames records itself ({@link RecordFramer}) because a rejected
 * record must keep its exact original bytes and position, and a library reader only hands out decoded
 * fields. What is left is splitting one record, in two dialects that CDR-FORMATS.md describes:
 * <ul>
 *   <li>{@link #strict}: RFC 4180 as Asterisk's {@code append_string} writes it: quoted or bare fields,
 *       doubled quotes inside quotes, raw commas and newlines inside quotes;</li>
 *   <li>{@link #freeSwitch}: FreeSWITCH expands {@code "${var}","${var}"} templates without any escaping,
 *       so a value may hold a bare quote; fields are the text between {@code ","} separators (the default
 *       template also has {@code ", "} with a space).</li>
 * </ul>
 */
public final class CsvFields {
    private CsvFields() {
    }

    /** RFC 4180 split; empty when the quoting is broken (text after a closing quote, quote inside a bare field). */
    public static Optional<List<String>> strict(String line) {
        List<String> fields = new ArrayList<>(24);
        int n = line.length();
        int i = 0;
        while (true) {
            if (i < n && line.charAt(i) == '"') {
                int close = line.indexOf('"', i + 1);
                if (close < 0) {
                    return Optional.empty();
                }
                if (close + 1 < n && line.charAt(close + 1) == '"') {
                    close = unescape(line, i + 1, fields); // doubled quotes inside: the rare, slower path
                    if (close < 0) {
                        return Optional.empty();
                    }
                } else {
                    fields.add(line.substring(i + 1, close));
                }
                i = close + 1;
                if (i == n) {
                    return Optional.of(fields);
                }
                if (line.charAt(i) != ',') {
                    return Optional.empty();
                }
                i++;
            } else {
                int comma = line.indexOf(',', i);
                int stop = comma < 0 ? n : comma;
                int quote = line.indexOf('"', i);
                if (quote >= 0 && quote < stop) {
                    return Optional.empty();
                }
                fields.add(line.substring(i, stop));
                if (comma < 0) {
                    return Optional.of(fields);
                }
                i = comma + 1;
            }
        }
    }

    /** Reads a quoted field with doubled quotes from {@code from}; adds it and returns its closing quote, or -1. */
    private static int unescape(String line, int from, List<String> fields) {
        StringBuilder b = new StringBuilder(32);
        int n = line.length();
        int i = from;
        int runStart = i;
        while (i < n) {
            if (line.charAt(i) == '"') {
                b.append(line, runStart, i);
                if (i + 1 < n && line.charAt(i + 1) == '"') {
                    b.append('"');
                    i += 2;
                    runStart = i;
                } else {
                    fields.add(b.toString());
                    return i;
                }
            } else {
                i++;
            }
        }
        return -1;
    }

    /**
     * FreeSWITCH template split. A record that is not wrapped in quotes is split as {@link #strict}
     * (a template without quotes, or a spreadsheet's re-save).
     */
    public static Optional<List<String>> freeSwitch(String line) {
        int n = line.length();
        if (n < 2 || line.charAt(0) != '"' || line.charAt(n - 1) != '"') {
            return strict(line);
        }
        List<String> fields = new ArrayList<>(20);
        int start = 1;
        int i = 1;
        int last = n - 1;
        while (i < last) {
            if (line.charAt(i) == '"') {
                int j = i + 1;
                if (j < last && line.charAt(j) == ',') {
                    int k = j + 1;
                    while (k < last && line.charAt(k) == ' ') {
                        k++;
                    }
                    if (k < last && line.charAt(k) == '"') {
                        fields.add(line.substring(start, i));
                        start = k + 1;
                        i = start;
                        continue;
                    }
                }
            }
            i++;
        }
        fields.add(line.substring(start, last));
        return Optional.of(fields);
    }
}
