# Replicate the faces of a 2x2x2 volume: values stay between its min and max.
set vol [torch::tensor_reshape [torch::arange -start 0 -end 8 -dtype float32] {1 1 2 2 2}]
set padded [torch::replication_pad3d $vol {1 1 1 1 1 1}]
puts "[torch::tensor_shape $padded], max [torch::tensor_item [torch::tensor_max $padded]]"
