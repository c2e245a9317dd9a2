package dev.lakehouse.silver;

/**
 * One expectation: its name, the silver table it guards, its default severity and what it checks.
 */
public record Rule(String name, String table, Severity defaultSeverity, String description) {}
