# Record your own numbers (a loss per step) next to the AMP and LR telemetry.
foreach loss {0.9 0.6 0.45} {
    puts "recorded loss $loss at step [torch::log_scalar loss $loss]"
}
puts "with an explicit step: [torch::log_scalar accuracy 0.8 100]"
