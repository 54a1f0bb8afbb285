package io.sluice.core.cdr;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Guesses a file's format from its first records (CDR-2): a JSON object is JSON lines; CSV with timestamps
 * in columns 10-12 is Asterisk, with timestamps in columns 5-7 FreeSWITCH. Names are never used: both
 * systems call their file Master.csv. When no sampled record fits any format, the caller must be told to
 * pass the format explicitly.
 */
public final class CdrFormatDetector {
    private CdrFormatDetector() {
    }

    /**
     * The format most of the sampled records look like (a file may start with a broken record), or empty when
     * none of them looks like any format.
     */
    public static Optional<CdrFormat> detect(List<byte[]> sample) {
        return detect(sample, null);
    }

    /** {@link #detect(List)} knowing a configured FreeSWITCH template (its width and where its times are), or null. */
    public static Optional<CdrFormat> detect(List<byte[]> sample, FreeSwitchTemplate template) {
        int[] votes = new int[CdrFormat.values().length];
        for (byte[] record : sample) {
            detect(record, template).ifPresent(f -> votes[f.ordinal()]++);
        }
        int best = -1;
        for (int i = 0; i < votes.length; i++) {
            if (votes[i] > 0 && (best < 0 || votes[i] > votes[best])) {
                best = i;
            }
        }
        return best < 0 ? Optional.empty() : Optional.of(CdrFormat.values()[best]);
    }

    /** The format one record looks like. */
    public static Optional<CdrFormat> detect(byte[] record) {
        return detect(record, null);
    }

    /** The format one record looks like, a configured FreeSWITCH template's records included. */
    public static Optional<CdrFormat> detect(byte[] record, FreeSwitchTemplate template) {
        String text = new String(record, StandardCharsets.UTF_8).strip();
        if (text.startsWith("{")) {
            return Optional.of(CdrFormat.JSONL);
        }
        Optional<List<String>> strict = CsvFields.strict(text);
        if (strict.isPresent() && looksAsterisk(strict.get())) {
            return Optional.of(CdrFormat.ASTERISK);
        }
        Optional<List<String>> fs = CsvFields.freeSwitch(text);
        if (fs.isPresent() && (looksFreeSwitch(fs.get()) || template != null && looksLike(fs.get(), template))) {
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

    private static boolean looksLike(List<String> f, FreeSwitchTemplate t) {
        return f.size() == t.variables().size() && isStamp(f.get(t.variables().indexOf("start_stamp")))
                && isStamp(f.get(t.variables().indexOf("end_stamp")));
    }

    private static boolean isStamp(String s) {
        return s.length() == 19 && s.charAt(4) == '-' && s.charAt(10) == ' ' && s.charAt(13) == ':';
    }
}
