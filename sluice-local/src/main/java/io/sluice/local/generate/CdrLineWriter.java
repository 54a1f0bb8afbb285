package io.sluice.local.generate;

import io.sluice.core.cdr.CdrFormat;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/** Turns a {@link Call} into one line of a CDR format, byte for byte as the real writer would, defects included. */
abstract class CdrLineWriter {
    private long cachedDay = Long.MIN_VALUE;
    private final byte[] date = new byte[10];
    private final long uuidSalt;

    CdrLineWriter(long seed) {
        this.uuidSalt = NumberPlan.mix64(seed ^ 0x6A09E667F3BCC909L);
    }

    static CdrLineWriter of(CdrFormat format, long seed) {
        return switch (format) {
            case ASTERISK -> new AsteriskLineWriter(seed);
            case FREESWITCH -> new FreeSwitchLineWriter(seed);
            case JSONL -> new JsonLinesWriter(seed);
        };
    }

    /** Clears {@code out} and writes the call as one line, ending in LF. */
    abstract void write(Call c, AsciiLine out);

    /** The caller as this line writes it: national 10 digits, or E.164. */
    static void caller(AsciiLine o, Call c) {
        o.line(c.callerText);
    }

    /** {@code yyyy-MM-dd<sep>HH:mm:ss} in UTC. */
    final void time(AsciiLine o, long epoch, char sep) {
        long day = Math.floorDiv(epoch, 86_400L);
        int second = (int) (epoch - day * 86_400L);
        if (day != cachedDay) {
            LocalDate d = LocalDate.ofEpochDay(day);
            AsciiLine tmp = new AsciiLine(10);
            tmp.digits(d.getYear(), 4).ch('-').two(d.getMonthValue()).ch('-').two(d.getDayOfMonth());
            System.arraycopy(tmp.buf, 0, date, 0, 10);
            cachedDay = day;
        }
        o.bytes(date).ch(sep).two(second / 3600).ch(':').two(second / 60 % 60).ch(':').two(second % 60);
    }

    /**
     * The start ({@code isStart}) or end time of a call, or the impossible date or garbage text that replaces it
     * when the call's defect targets this field (even variants hit the start, odd ones the end).
     */
    final void timeField(AsciiLine o, Call c, long epoch, boolean isStart, boolean iso) {
        boolean hit = (c.defect == Defect.IMPOSSIBLE_DATE || c.defect == Defect.GARBAGE_TIMESTAMP)
                && ((c.variant & 1) == 0) == isStart;
        char sep = iso ? 'T' : ' ';
        if (!hit) {
            time(o, epoch, sep);
            if (iso) {
                o.ch('Z');
            }
            return;
        }
        LocalDateTime t = LocalDateTime.ofEpochSecond(epoch, 0, ZoneOffset.UTC);
        int flavour = c.variant >>> 1;
        String text;
        if (c.defect == Defect.IMPOSSIBLE_DATE) {
            String clock = two(t.getHour()) + ":" + two(t.getMinute()) + ":" + two(t.getSecond());
            String day = switch (flavour % 4) {
                case 0 -> t.getYear() + "-02-30" + sep + clock;
                case 1 -> t.getYear() + "-04-31" + sep + clock;
                case 2 -> t.getYear() + "-13-" + two(t.getDayOfMonth()) + sep + clock;
                default -> t.toLocalDate() + (sep + "24:" + two(t.getMinute()) + ":" + two(t.getSecond()));
            };
            text = iso ? day + "Z" : day;
        } else {
            text = switch (flavour % 5) {
                case 0 -> two(t.getDayOfMonth()) + "/" + two(t.getMonthValue()) + "/" + t.getYear() + " "
                        + two(t.getHour()) + ":" + two(t.getMinute()) + ":" + two(t.getSecond());
                case 1 -> "NULL";
                case 2 -> t.toLocalDate() + " " + two(t.getHour()) + ":" + two(t.getMinute());
                case 3 -> epoch + "." + (c.seq % 10);
                default -> "0000-00-00 00:00:00";
            };
        }
        o.str(text);
    }

    /** A version-4-looking UUID, random for the seed but distinct for every (seq, leg): its last 48 bits are a bijection of them. */
    final void uuid(AsciiLine o, long seq, int leg) {
        long x = seq * 2 + leg;
        long r = NumberPlan.mix64(x ^ uuidSalt);
        long r2 = NumberPlan.mix64(r);
        o.hex(r >>> 32, 8).ch('-').hex(r >>> 16, 4).ch('-').hex(0x4000 | (r & 0x0FFF), 4).ch('-')
                .hex(0x8000 | (r2 & 0x3FFF), 4).ch('-').hex(mix48(x + uuidSalt), 12);
    }

    private static long mix48(long x) {
        final long mask = (1L << 48) - 1;
        x &= mask;
        x = (x * 0x9E3779B97F4BL) & mask;
        x ^= x >>> 23;
        x = (x * 0x5DEECE66DL) & mask;
        x ^= x >>> 19;
        return x;
    }

    private static String two(int v) {
        return v < 10 ? "0" + v : Integer.toString(v);
    }
}
