package io.sluice.core.cdr;

/** What validation makes of parsed fields: the call's checked times, or the reason it cannot be a call. */
public sealed interface Validated permits CallTimes, Rejection {
}
