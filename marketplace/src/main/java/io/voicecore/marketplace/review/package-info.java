/**
 * The automated review of a plugin submission: {@link io.voicecore.marketplace.review.AutomatedReview} checks a signed
 * jar (signature, manifest, bytecode, SDK compatibility across the kernels it admits, permission changes, limits, and a
 * smoke install in a kernel trial) and answers a {@link io.voicecore.marketplace.review.ReviewReport}, one
 * {@link io.voicecore.marketplace.review.ReviewSection} per check, with its verdict and JSON form. No HTTP, no
 * database: the marketplace's API stores and serves what it reports.
 */
package io.voicecore.marketplace.review;
