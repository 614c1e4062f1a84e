# Predicted log-rates of customer arrivals per hour against the counts seen, then the same
# rates given directly (not as logs) with the Stirling term included.
set log_rate [torch::tensor_log [torch::tensor_create {3.0 5.0 1.5}]]
set arrivals [torch::tensor_create {2.0 6.0 1.0}]
puts "log input: [torch::tensor_item [torch::poisson_nll_loss $log_rate $arrivals]]"
set rate [torch::tensor_create {3.0 5.0 1.5}]
puts "rates, full: [torch::tensor_item [torch::poissonNllLoss -input $rate -target $arrivals -logInput false -full true]]"
