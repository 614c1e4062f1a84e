# Two samples, three classes: logits against the index of the right class.
set logits [torch::tensor_create {{2.0 0.5 -1.0} {0.1 3.0 0.2}}]
set target [torch::tensor_create {0 1} int64]
puts "loss: [torch::tensor_item [torch::cross_entropy_loss $logits $target]]"
set wrong [torch::tensor_create {2 0} int64]
puts "wrong labels cost more: [torch::tensor_item [torch::cross_entropy_loss $logits $wrong]]"
puts "smoothed: [torch::tensor_item [torch::cross_entropy_loss $logits $target -labelSmoothing 0.1]]"
