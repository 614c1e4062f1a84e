# Raw classifier outputs against labels of 1 and -1: confident right answers cost almost
# nothing, confident wrong ones a lot.
set output [torch::tensor_create {3.0 -2.0 0.1 -1.5}]
set label [torch::tensor_create {1.0 -1.0 -1.0 1.0}]
puts [torch::tensor_print [torch::soft_margin_loss $output $label none]]
puts "mean: [torch::tensor_item [torch::softMarginLoss -input $output -target $label]]"
