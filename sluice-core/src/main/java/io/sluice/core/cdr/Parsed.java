package io.sluice.core.cdr;

/** What a parser makes of one record: its fields, or the reason it is not a record of the format. */
public sealed interface Parsed permits CdrFields, Rejection {
}
