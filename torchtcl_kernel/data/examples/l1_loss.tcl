# Mean absolute error of a step counter against the true counts, and the error per reading.
set counted [torch::tensor_create {980.0 1510.0 2020.0}]
set true_steps [torch::tensor_create {1000.0 1500.0 2000.0}]
puts "MAE: [torch::tensor_item [torch::l1_loss $counted $true_steps]]"
puts [torch::tensor_print [torch::l1Loss -input $counted -target $true_steps -reduction none]]
