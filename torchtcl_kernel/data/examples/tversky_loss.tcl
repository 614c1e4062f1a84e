# A lesion mask predicted as logits. Weighting missed pixels (beta) above false alarms (alpha)
# punishes the missed lesion pixel more.
set logits [torch::tensor_create {{2.0 -2.0 -1.0 -3.0}}]
set lesion [torch::tensor_create {{1 0 1 0}}]
puts "default (alpha 0.7, beta 0.3): [torch::tensor_item [torch::tversky_loss $logits $lesion]]"
puts "recall first: [torch::tensor_item [torch::tverskyLoss -input $logits -target $lesion -alpha 0.3 -beta 0.7]]"
