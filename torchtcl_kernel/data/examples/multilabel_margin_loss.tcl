# Tags of two photos over four tags. Each target row lists the right tags' indices, ended by -1
# (the first photo has tags 0 and 3, the second tag 2 only).
set scores [torch::tensor_create {{0.9 0.1 0.3 0.8} {0.2 0.4 0.7 0.1}}]
set tags [torch::tensor_create {{0 3 -1 0} {2 -1 0 0}} int64]
puts [torch::tensor_print [torch::multilabel_margin_loss $scores $tags none]]
puts "mean: [torch::tensor_item [torch::multilabelMarginLoss -input $scores -target $tags]]"
