package io.sluice.core.pipeline.contract;

import io.sluice.core.cdr.CallTimes;
import io.sluice.core.cdr.Cdr;
import io.sluice.core.cdr.Disposition;
import io.sluice.core.cdr.NormalizedNumber;
import io.sluice.core.cdr.RecordKey;
import io.sluice.core.cdr.SubscriberProfile;

/** Shared fixtures of the port contract suites. */
public final class PortContracts {
    private PortContracts() {
    }

    public static Cdr cdr(long start, String caller, String callee, long keyLo) {
        return new Cdr("test.csv", keyLo, new CallTimes(start, start + 5, start + 65, 65, 60), Disposition.ANSWERED,
                new NormalizedNumber(caller, true, 1, "US"), new NormalizedNumber(callee, true, 44, "GB"), "SIP/carrier", "acct",
                "1.1", true, new RecordKey(7, keyLo), Cdr.UNKNOWN_SUBSCRIBER, SubscriberProfile.unknown(caller));
    }
}
