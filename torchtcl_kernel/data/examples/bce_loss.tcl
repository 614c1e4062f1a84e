# A spam filter's predicted probabilities against the true labels, then with the two spam
# messages counted twice as heavily.
set predicted [torch::tensor_create {0.9 0.35 0.1 0.6}]
set labels [torch::tensor_create {1.0 1.0 0.0 0.0}]
puts "BCE: [torch::tensor_item [torch::bce_loss $predicted $labels]]"
set weights [torch::tensor_create {2.0 2.0 1.0 1.0}]
puts "weighted sum: [torch::tensor_item [torch::bceLoss -input $predicted -target $labels -weight $weights -reduction sum]]"
