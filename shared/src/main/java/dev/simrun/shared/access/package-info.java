/** Whose rows a read or a change may touch: one owner's, or every owner's for an operator. */
package dev.simrun.shared.access;
