# Segmentation logits for two 2x3 masks: the first mostly right, the second mostly wrong.
set logits [torch::tensor_create {{{3.0 -2.0 2.5} {-1.5 2.0 -3.0}} {{-2.0 1.0 -1.0} {2.0 -2.5 1.5}}}]
set masks [torch::tensor_create {{{1 0 1} {0 1 0}} {{1 0 1} {0 1 0}}}]
puts "per mask: [torch::tensor_print [torch::dice_loss $logits $masks 1.0 none]]"
puts "mean, smooth 0.1: [torch::tensor_item [torch::diceLoss -input $logits -target $masks -smooth 0.1]]"
