package io.sluice.local.alerts;

import io.sluice.core.fraud.FraudRules;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a fraud rules file ({@code --rules FILE}, CDR-10): {@code key = value} lines, {@code #} comments and blank
 * lines ignored; what the file leaves out keeps its default (README, "Fraud rules"). A mistake names the file, the
 * line and the key.
 */
public final class RulesFile {
    private RulesFile() {
    }

    /** The rules of {@code file}; an {@link IllegalArgumentException} that says where and why when it is wrong. */
    public static FraudRules read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read the rules file " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> pairs = new LinkedHashMap<>();
        Map<String, Integer> lineOf = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": expected 'key = value', not '" + line + "'");
            }
            String key = line.substring(0, eq).strip();
            if (pairs.put(key, line.substring(eq + 1).strip()) != null) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": '" + key + "' is set twice (first on line "
                        + lineOf.get(key) + ")");
            }
            lineOf.put(key, i + 1);
        }
        try {
            return FraudRules.parse(pairs);
        } catch (IllegalArgumentException e) {
            String where = lineOf.entrySet().stream().filter(en -> e.getMessage().contains(en.getKey()))
                    .map(en -> ":" + en.getValue()).findFirst().orElse("");
            throw new IllegalArgumentException(file + where + ": " + e.getMessage(), e);
        }
    }
}
