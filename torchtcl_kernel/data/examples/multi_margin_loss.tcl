# Class scores of two images over three classes; each wrong class scoring within the margin of
# the right one adds to the loss.
set scores [torch::tensor_create {{2.5 0.3 1.9} {0.1 1.2 1.0}}]
set labels [torch::tensor_create {0 1} int64]
puts [torch::tensor_print [torch::multi_margin_loss $scores $labels 1 1.0 none]]
puts "squared hinge: [torch::tensor_item [torch::multiMarginLoss -input $scores -target $labels -p 2]]"
