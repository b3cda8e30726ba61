/**
 * Publisher analytics: a listing's installs, upgrades, uninstalls and active tenants per day and version, and its
 * rating as it stood each day, computed in one query from the install history.
 */
package io.voicecore.marketplace.analytics;
