/**
 * The gold layer. Empty for now: the star schema and marts arrive with the gold issue.
 */
package dev.lakehouse.gold;
