package io.sluice.local.report;

import java.util.List;

/** Rows of one report run and how long the query took. */
public record ReportResult(String name, List<String> columns, List<List<Object>> rows, double seconds) {
}
