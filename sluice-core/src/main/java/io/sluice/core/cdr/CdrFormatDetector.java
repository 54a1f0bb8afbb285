package io.sluice.core.cdr;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Guesses a file's format from its first record (CDR-2): a JSON object is JSON lines; CSV with timestamps
 * in columns 10-12 is Asterisk, with timestamps in columns 5-7 FreeSWITCH. Names are never used: both
 * systems call their file Master.csv. When the first record fits neither, the caller must be told to pass
 * the format explicitly.
 */
public final class CdrFormatDetector {
    private CdrFormatDetector() {
    }

    public static Optional<CdrFormat> detect(byte[] firstRecord) {
        String text = new String(firstRecord, StandardCharsets.UTF_8).strip();
        if (text.startsWith("{")) {
            return Optional.of(CdrFormat.JSONL);
        }
        Optional<List<String>> strict = CsvFields.strict(text);
        if (strict.isPresent() && looksAsterisk(strict.get())) {
            return Optional.of(CdrFormat.ASTERISK);
        }
        Optional<List<String>> fs = CsvFields.freeSwitch(text);
        if (fs.isPresent() && looksFreeSwitch(fs.get())) {
            return Optional.of(CdrFormat.FREESWITCH);
        }
        return Optional.empty();
    }

    private static boolean looksAsterisk(List<String> f) {
        return f.size() >= AsteriskCsvParser.MIN_COLUMNS && f.size() <= AsteriskCsvParser.MAX_COLUMNS
                && isStamp(f.get(9)) && isStamp(f.get(11));
    }

    private static boolean looksFreeSwitch(List<String> f) {
        return (f.size() == 13 || f.size() == 15) && isStamp(f.get(4)) && isStamp(f.get(6));
    }

    private static boolean isStamp(String s) {
        return s.length() == 19 && s.charAt(4) == '-' && s.charAt(10) == ' ' && s.charAt(13) == ':';
    }
}
