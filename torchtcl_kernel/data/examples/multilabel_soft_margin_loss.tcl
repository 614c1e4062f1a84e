# Logits of two photos over four tags against 0/1 tag labels: a logistic loss per tag,
# averaged over the tags.
set logits [torch::tensor_create {{2.0 -1.0 -0.5 1.5} {-2.0 0.5 1.0 -1.0}}]
set labels [torch::tensor_create {{1 0 0 1} {0 1 1 0}} float32]
puts [torch::tensor_print [torch::multilabel_soft_margin_loss $logits $labels none]]
puts "sum: [torch::tensor_item [torch::multilabelSoftMarginLoss -input $logits -target $labels -reduction sum]]"
