package io.sluice.local.generate;

/**
 * The generated world's phone numbers and subscriber traits, all derived from an index and the seed so that
 * nothing is stored per subscriber (CDR-11: memory does not grow with the record count).
 *
 * <p>Numbers are North American: a real area code from a fixed list, an exchange 200-999 (first digit 2-9,
 * as NANP requires) and four line digits. A keyed Feistel permutation over the 128 million such numbers
 * gives subscribers (indexes 0..M-1) and the external pool (M..6M-1) distinct, random-looking numbers.
 */
final class NumberPlan {
    static final int[] AREA_CODES = {212, 305, 312, 415, 617, 702, 917, 646, 718, 213, 310, 404, 713, 206, 303, 214};
    private static final long PER_AREA = 8_000_000L;
    private static final long SPACE = AREA_CODES.length * PER_AREA;
    private static final int LOW_BITS = 14;
    private static final long LOW_MASK = (1L << LOW_BITS) - 1;
    private static final long HIGH_MASK = (1L << 13) - 1;

    static final String[] FIRST_NAMES = {"James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda",
            "David", "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah",
            "Carlos", "Karen", "Daniel", "Lisa", "Matthew", "Nancy", "Anthony", "Sandra", "Mark", "Maria", "Wei",
            "Ashley", "Steven", "Priya", "Andrew", "Emily", "Kevin", "Aisha", "Brian", "Sofia", "Luis", "Grace"};
    static final String[] LAST_NAMES = {"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
            "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore",
            "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis",
            "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Nguyen", "Hill", "Flores", "Chen"};
    static final byte[][] NAMES = new byte[FIRST_NAMES.length * LAST_NAMES.length][];

    static {
        for (int f = 0; f < FIRST_NAMES.length; f++) {
            for (int l = 0; l < LAST_NAMES.length; l++) {
                NAMES[f * LAST_NAMES.length + l] = AsciiLine.ascii(FIRST_NAMES[f] + " " + LAST_NAMES[l]);
            }
        }
    }

    private final long[] roundKeys = new long[4];
    private final long traitSalt;
    final int subscribers;
    final long externalPool;

    NumberPlan(long seed, int subscribers) {
        long s = seed;
        for (int i = 0; i < roundKeys.length; i++) {
            s += 0x9E3779B97F4A7C15L;
            roundKeys[i] = mix64(s);
        }
        this.traitSalt = mix64(seed ^ 0x5DEECE66DL);
        this.subscribers = subscribers;
        this.externalPool = Math.min(5L * subscribers, SPACE - subscribers);
    }

    /** The 10-digit national number (area code, exchange, line) of subscriber {@code i}. */
    long subscriber(int i) {
        return national(permute(i));
    }

    /** The 10-digit national number of external (non-subscriber) number {@code j} of the pool. */
    long external(long j) {
        return national(permute(subscribers + j));
    }

    /** Per-subscriber random bits, stable for a seed: profile, name, account, dialplan context. */
    long traits(int i) {
        return mix64(i * 0xD1B54A32D192ED03L + traitSalt);
    }

    boolean hasProfile(int i) {
        return Long.remainderUnsigned(traits(i), 10) != 0;
    }

    /** The caller-id name, or null for a subscriber who sends none (about 20%). */
    static byte[] name(long traits) {
        int t = (int) ((traits >>> 8) & 0xFFFF);
        return t % 5 == 0 ? null : NAMES[t % NAMES.length];
    }

    /** Business subscribers (about 10%) carry an account code; -1 for none. */
    static int account(long traits) {
        int t = (int) ((traits >>> 24) & 0xFFFF);
        return t % 10 == 0 ? (int) ((traits >>> 40) % 100_000) : -1;
    }

    /** About 15% are PBX customers on SIP trunks: FreeSWITCH sees their calls in the {@code public} context. */
    static boolean trunkCustomer(long traits) {
        return ((traits >>> 44) & 0xFF) % 7 == 0;
    }

    private static long national(long v) {
        long rest = v % PER_AREA;
        return AREA_CODES[(int) (v / PER_AREA)] * 10_000_000L + (200 + rest / 10_000) * 10_000 + rest % 10_000;
    }

    /** A permutation of [0, SPACE): a keyed Feistel network over 27 bits, walking the cycle until it lands inside. */
    private long permute(long x) {
        do {
            x = feistel(x);
        } while (x >= SPACE);
        return x;
    }

    /**
     * Unbalanced Feistel over 27 bits (13 high, 14 low): each round xors one part with a keyed hash of the other,
     * which is invertible, so the whole is a bijection of [0, 2^27); 2^27 is just above SPACE, so the cycle walk
     * rarely takes a second step.
     */
    private long feistel(long x) {
        long high = x >>> LOW_BITS;
        long low = x & LOW_MASK;
        high ^= round(low, roundKeys[0]) & HIGH_MASK;
        low ^= round(high, roundKeys[1]) & LOW_MASK;
        high ^= round(low, roundKeys[2]) & HIGH_MASK;
        low ^= round(high, roundKeys[3]) & LOW_MASK;
        return (high << LOW_BITS) | low;
    }

    private static long round(long half, long key) {
        return ((half ^ key) * 0x9E3779B97F4A7C15L) >>> 37;
    }

    /** SplitMix64's finalizer: a bijection of 64-bit values with good avalanche. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
