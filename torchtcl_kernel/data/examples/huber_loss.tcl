# House price predictions (in 100k) with one outlier: quadratic for small errors, linear
# beyond delta.
set predicted [torch::tensor_create {2.1 3.4 1.9 9.0}]
set actual [torch::tensor_create {2.0 3.0 2.2 4.0}]
puts [torch::tensor_print [torch::huber_loss $predicted $actual none 1.0]]
puts "mean, delta 0.5: [torch::tensor_item [torch::huberLoss -input $predicted -target $actual -delta 0.5]]"
