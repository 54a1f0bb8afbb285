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
        StringBuilder quoted = null;
        while (true) {
            if (i < n && line.charAt(i) == '"') {
                if (quoted == null) {
                    quoted = new StringBuilder(32);
                } else {
                    quoted.setLength(0);
                }
                i++;
                boolean closed = false;
                int runStart = i;
                while (i < n) {
                    char c = line.charAt(i);
                    if (c == '"') {
                        quoted.append(line, runStart, i);
                        if (i + 1 < n && line.charAt(i + 1) == '"') {
                            quoted.append('"');
                            i += 2;
                            runStart = i;
                        } else {
                            i++;
                            closed = true;
                            break;
                        }
                    } else {
                        i++;
                    }
                }
                if (!closed) {
                    return Optional.empty();
                }
                fields.add(quoted.toString());
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
                if (line.indexOf('"', i) >= 0 && line.indexOf('"', i) < stop) {
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
