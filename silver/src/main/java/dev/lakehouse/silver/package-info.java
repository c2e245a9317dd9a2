/**
 * The silver layer. Empty for now: validated, deduplicated current state arrives with the silver issue.
 */
package dev.lakehouse.silver;
