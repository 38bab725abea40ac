/**
 * What a local job is asked to do: the {@code CreateTrainingJob} request, validated field by field,
 * and each channel's objects, resolved before any host starts and shared out among the hosts.
 * Depends on {@code local.store}, {@code config} and {@code error}.
 */
package io.github.xgbcontainer.local.plan;
