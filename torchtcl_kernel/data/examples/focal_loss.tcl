# Three samples over four classes: an easy one, a hard one and a wrong one. The focal loss
# shrinks the easy sample's share much more than the cross entropy does.
set scores [torch::tensor_create {{4.0 0.0 0.0 0.0} {0.5 0.8 0.2 0.0} {0.0 0.0 3.0 0.0}}]
set truth [torch::tensor_create {0 1 0} int64]
puts "focal: [torch::tensor_print [torch::focal_loss $scores $truth 1.0 2.0 none]]"
puts "cross entropy: [torch::tensor_print [torch::cross_entropy_loss $scores $truth none]]"
puts "alpha 0.25: [torch::tensor_item [torch::focalLoss -input $scores -target $truth -alpha 0.25]]"
