# Forecasts of tomorrow's temperature with their variances: the same errors cost less where
# the model admitted more uncertainty.
set forecast [torch::tensor_create {21.0 18.5 25.0}]
set observed [torch::tensor_create {22.0 18.0 28.0}]
set variance [torch::tensor_create {1.0 0.5 9.0}]
puts "per day: [torch::tensor_print [torch::gaussian_nll_loss $forecast $observed $variance 0 1e-6 none]]"
puts "full mean: [torch::tensor_item [torch::gaussianNllLoss -input $forecast -target $observed -var $variance -full true]]"
